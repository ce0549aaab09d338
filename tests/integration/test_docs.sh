#!/usr/bin/env bash
# test_docs.sh - the documents a user reads name only what the repository
# has: README.md, firmware/README.md, docs/*.md and the man pages
# docs/*.[158]. Fails when one of them
#  - names a repository path (src/..., tests/..., board/<name>/..., a
#    Markdown link) that does not exist in this tree: <placeholders> and *
#    must match at least one file;
#  - points outside the repository: the CI checkout's ../shared directory
#    or its DESIGN.md, which a clone does not have.
# The checker is first run on a planted bad document, so it is known to
# catch both.
. "$(dirname "$0")/lib.sh"

CHECK="$GA_TMP/check_docs.py"
cat >"$CHECK" <<'PY'
import glob, os, re, sys

root = sys.argv[1]
files = sys.argv[2:]
TOP = r'(?:src|drivers|tests|board|docs|firmware|mk|scripts|toolchain|bench|\.ci)'
# a repository path: not part of a longer path (/etc/..., $(X)/board/...)
PATH = re.compile(r'(?<![\w./$)-])(' + TOP + r'/[\w./<>*+-]*[\w>*/])')
LINK = re.compile(r'\]\(([^)#\s]+)(?:#[^)]*)?\)')
OUTSIDE = re.compile(r'\.\./shared|DESIGN\.md|DESIGN §')


def exists(base, p):
    pat = re.sub(r'<[^>]*>', '*', p)
    return bool(glob.glob(os.path.join(base, pat)))


bad = 0
for f in files:
    rel = os.path.relpath(f, root)
    text = open(f, encoding='utf-8').read()
    # man pages escape '-' as '\-'
    text = text.replace('\\-', '-')
    missing = set()
    for m in PATH.finditer(text):
        # from the top of the tree, or from the document's directory
        # (firmware/README.md names board/post-build.sh)
        if not (exists(root, m.group(1)) or
                exists(os.path.dirname(f), m.group(1))):
            missing.add(m.group(1))
    for m in LINK.finditer(text):
        t = m.group(1)
        if re.match(r'[a-z]+:', t):
            continue
        if not exists(os.path.dirname(f), t):
            missing.add(t)
    outside = sorted(set(m.group(0) for m in OUTSIDE.finditer(text)))
    if missing:
        print("not ok - %s names files that do not exist" % rel)
        print("#   " + " ".join(sorted(missing)))
        bad += 1
    else:
        print("ok - %s names only files that exist" % rel)
    if outside:
        print("not ok - %s points outside the repository" % rel)
        print("#   " + " ".join(outside))
        bad += 1
    else:
        print("ok - %s does not point outside the repository" % rel)
sys.exit(1 if bad else 0)
PY

# --- the checker catches what it is for -----------------------------------
mkdir -p "$GA_TMP/plant/docs" "$GA_TMP/plant/src"
touch "$GA_TMP/plant/src/real.c"
cat >"$GA_TMP/plant/docs/bad.md" <<'MD'
See `src/real.c` and `src/gone.c`, [the guide](nothere.md), and
../shared/DESIGN.md for the contract.
MD
out=$(python3 "$CHECK" "$GA_TMP/plant" "$GA_TMP/plant/docs/bad.md")
rc=$?
check "checker: a planted bad document fails" 1 "$rc"
check_match "checker: it names the missing file and link" \
	'nothere.md src/gone.c' "$out"
check_match "checker: it names the path outside the repository" \
	'\.\./shared DESIGN\.md' "$out"
if grep -q 'src/real.c' <<<"$out"; then
	not_ok "checker: an existing file is not reported" "$out"
else
	ok "checker: an existing file is not reported"
fi

# --- the real documents ----------------------------------------------------
docs=("$GA_ROOT/README.md" "$GA_ROOT/firmware/README.md")
for f in "$GA_ROOT"/docs/*.md "$GA_ROOT"/docs/*.[158]; do
	[ -f "$f" ] && docs+=("$f")
done
check_match "docs/ has the contract and the Azure guide" \
	'azure\.md.*commands\.md.*configuration\.md.*http\.md.*status\.md' \
	"$(printf '%s ' "${docs[@]}")"
python3 "$CHECK" "$GA_ROOT" "${docs[@]}" >"$GA_TMP/docs.tap"
cat "$GA_TMP/docs.tap"
if grep -q '^not ok' "$GA_TMP/docs.tap"; then
	GA_FAILS=$((GA_FAILS + 1))
fi
ga_done
