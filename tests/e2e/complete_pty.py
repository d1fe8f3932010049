#!/usr/bin/env python3
"""Type a command line and TAB into an interactive bash or zsh on a
terminal, the completion of data-factory-cli loaded, and print the line as
the shell's line editor then holds it (what the user would see).

usage: complete_pty.py bash|zsh SOURCE_DIR LINE [TABS]

zsh also appends each list of matches its completion offers to
$DUMP.matches (compadd's -O), for the tests to read.
"""
import os
import pty
import select
import sys
import time

shell, source_dir, line = sys.argv[1:4]
tabs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
dump = os.path.join(os.getcwd(), ".complete-dump")
for f in (dump, dump + ".matches"):
    if os.path.exists(f):
        os.unlink(f)

if shell == "bash":
    argv = ["bash", "--norc", "--noprofile", "-i"]
    setup = (
        f"source '{source_dir}/completions/data-factory-cli.bash'\n"
        f"bind -x '\"\\C-x\": printf \"%s\\n\" \"$READLINE_LINE\" > \"{dump}\"'\n"
    )
else:
    argv = ["zsh", "-f", "-i"]
    setup = (
        f"fpath=('{source_dir}/completions' $fpath)\n"
        "autoload -U compinit && compinit -u -D\n"
        f"dump() {{ print -r -- \"$BUFFER\" > '{dump}' }}\n"
        "zle -N dump && bindkey '^X' dump\n"
        "compadd() {\n"
        "  local -a m\n"
        "  if (( ${@[(I)-[OAD]*]} )); then builtin compadd \"$@\"; return; fi\n"
        f"  builtin compadd -O m \"$@\"; print -rl -- $m >> '{dump}.matches'\n"
        "  builtin compadd \"$@\"\n"
        "}\n"
    )

pid, fd = pty.fork()
if pid == 0:
    os.environ["PS1"] = "$ "
    os.environ["TERM"] = "dumb"
    os.execvp(argv[0], argv)


def drain(seconds):
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


os.write(fd, setup.encode())
drain(0.5)
os.write(fd, line.encode())
for _ in range(tabs):
    os.write(fd, b"\t")
    drain(0.5)
os.write(fd, b"\x18")
end = time.time() + 20
while not os.path.exists(dump) and time.time() < end:
    drain(0.1)
drain(0.2)
os.write(fd, b"\x03exit\n")
drain(0.3)
try:
    os.kill(pid, 9)
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
if not os.path.exists(dump):
    sys.exit("no line came back from " + shell)
with open(dump) as f:
    sys.stdout.write(f.read())
