my $in = $ARGV[0];
