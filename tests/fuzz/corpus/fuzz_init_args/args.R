args <- commandArgs(trailingOnly = TRUE)
input <- args[1]
write.csv(df, args[[2]])
