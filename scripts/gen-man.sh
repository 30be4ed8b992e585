#!/bin/sh
# The man pages, from one source with the documentation: mamori(1) from docs/man/mamori.1.scd.in
# with the command list of the CLI's own table (`mamori completion commands`), and one page
# mamori-COMMAND(1) per command from the text of `mamori COMMAND --help` (the text docs/cli.md
# shows), each through scdoc(1).
# usage: scripts/gen-man.sh MAMORI SOURCE_DIR OUT_DIR
set -eu
mamori=$1 src=$2 out=$3
# the man pages are English, whatever the language of the shell that builds them
LC_ALL=C
export LC_ALL
mkdir -p "$out"
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
"$mamori" completion commands >"$cmds"

# mamori(1)
list=$(mktemp)
while IFS="$(printf '\t')" read -r name help; do
    case $name in *" "*) continue ;; esac
    printf '*%s*\n\t%s (*mamori-%s*(1))\n\n' "$name" "$help" "$name"
done <"$cmds" >"$list"
awk -v list="$list" '/^@COMMANDS@$/ { while ((getline l < list) > 0) print l; next } { print }' \
    "$src/docs/man/mamori.1.scd.in" | scdoc >"$out/mamori.1"
rm -f "$list"

# mamori-COMMAND(1)
while IFS="$(printf '\t')" read -r name help; do
    case $name in *" "*) continue ;; esac
    {
        printf 'mamori-%s(1)\n\n# NAME\n\nmamori-%s - %s\n\n' "$name" "$name" "$help"
        printf '# SYNOPSIS AND OPTIONS\n\n```\n'
        # scdoc reads a backslash as an escape, also in a literal block
        "$mamori" "$name" --help | sed 's/\\/\\\\/g'
        printf '```\n'
        subs=$(grep "^$name " "$cmds" || true)
        if [ -n "$subs" ]; then
            printf '\n# COMMANDS\n\n'
            printf '%s\n' "$subs" | while IFS="$(printf '\t')" read -r sub shelp; do
                printf '*%s*\n\t%s\n\n' "$sub" "$shelp"
            done
        fi
        printf '\n# SEE ALSO\n\n*mamori*(1), and docs/cli.md in /usr/share/doc/mamori/\n'
    } | scdoc >"$out/mamori-$name.1"
done <"$cmds"
