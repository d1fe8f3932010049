const src = process.argv[2];
