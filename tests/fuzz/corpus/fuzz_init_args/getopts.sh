while getopts "i:o:v" opt; do
  case $opt in
    i) in=$OPTARG ;;
    o) out="$OPTARG" ;;
  esac
done
shift $((OPTIND - 1))
case "$1" in
  --left=*) left="${1#*=}" ;;
esac
cat "$1" > "${2:-x}"
