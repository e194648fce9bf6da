#!/usr/bin/env bash
# Cold start: JVM start -> first output of a generated 1 M-parameter model (bytecode back end by
# default), against a hello-world JVM, each with and without AppCDS (a dynamic archive written by
# -XX:ArchiveClassesAtExit on a first run). Wall time of whole `java` processes, median of RUNS.
#
#   tools/coldstart/coldstart.sh [RUNS] [BACKEND] [WEIGHTS]      (defaults: 15 bytecode fp32)
#
# Needs JDK 13+ (dynamic AppCDS) and a built tree: mvn -B -o -q -pl runtime,compiler install -DskipTests
set -euo pipefail
RUNS=${1:-15}
BACKEND=${2:-bytecode}
WEIGHTS=${3:-fp32}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lstmc-coldstart.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RUNTIME=$(ls "$ROOT"/runtime/target/lstmc-runtime-*.jar | grep -v sources | head -1)
COMPILER="$ROOT/compiler/target/lstmc.jar"

javac -d "$WORK/tool" -cp "$COMPILER" "$ROOT/tools/coldstart/GenerateModel.java"
java -cp "$COMPILER:$WORK/tool" GenerateModel "$WORK/model" "$BACKEND" "$WEIGHTS"
if [ "$BACKEND" = source ]; then
  javac --release 8 -nowarn -d "$WORK/model" -cp "$RUNTIME" "$WORK/model/coldstart/Big.java" 2>/dev/null
  rm "$WORK/model/coldstart/Big.java"
fi
# one jar per program, as an application would ship (AppCDS archives classes from jars only)
javac --release 8 -d "$WORK/app" -cp "$RUNTIME:$WORK/model" "$ROOT/tools/coldstart/FirstOutput.java" \
    "$ROOT/tools/coldstart/Hello.java"
cp -r "$WORK/model/coldstart" "$WORK/app/"
(cd "$WORK/app" && jar cf "$WORK/model.jar" FirstOutput.class coldstart && jar cf "$WORK/hello.jar" Hello.class)
echo "class file: $(stat -c %s "$WORK"/model/coldstart/Big.class) bytes; $(java -version 2>&1 | head -1); $(nproc) cores"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # label, then the java command
  local label=$1; shift
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
  done | median | { read -r ms; printf '%-34s %5d ms\n' "$label" "$ms"; echo "$ms" > "$WORK/$label.ms"; }
}
java -XX:ArchiveClassesAtExit="$WORK/hello.jsa" -cp "$WORK/hello.jar" Hello > /dev/null 2>&1
java -XX:ArchiveClassesAtExit="$WORK/model.jsa" -cp "$WORK/model.jar:$RUNTIME" FirstOutput > /dev/null 2>&1
measure hello java -cp "$WORK/hello.jar" Hello
measure model java -cp "$WORK/model.jar:$RUNTIME" FirstOutput
measure hello-appcds java -XX:SharedArchiveFile="$WORK/hello.jsa" -cp "$WORK/hello.jar" Hello
measure model-appcds java -XX:SharedArchiveFile="$WORK/model.jsa" -cp "$WORK/model.jar:$RUNTIME" FirstOutput
awk -v a="$(cat "$WORK/model.ms")" -v b="$(cat "$WORK/hello.ms")" -v c="$(cat "$WORK/model-appcds.ms")" \
    -v d="$(cat "$WORK/hello-appcds.ms")" 'BEGIN { printf "ratio: %.2fx without AppCDS, %.2fx with (model-appcds / hello-appcds)\n", a / b, c / d }'
