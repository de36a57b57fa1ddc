#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: installs only what is missing.
#   - Debian packages (Tesseract + Chinese, ffmpeg, espeak-ng, CJK fonts, a JDK 17 and Maven)
#   - a virtual environment .venv with the exact versions in requirements/lock.txt
#   - the Maven builds of the local Neo4j launcher (services/neo4j-local) and the local Kafka
#     launcher (services/kafka-local)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
# Maven is quiet on success; on failure its whole log is shown.
mvn_package() {
  local log; log=$(mktemp)
  (cd "$1" && mvn -q -B -Dstyle.color=never package -DskipTests >"$log" 2>&1) || { cat "$log"; rm -f "$log"; return 1; }
  rm -f "$log"
}
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# 1. Debian packages
APT_PKGS=(tesseract-ocr tesseract-ocr-chi-sim ffmpeg espeak-ng fonts-noto-cjk fonts-dejavu-core fonts-dejavu-extra fonts-arphic-ukai sox)
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then APT_PKGS+=(openjdk-17-jdk-headless); fi
command -v mvn >/dev/null || APT_PKGS+=(maven)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Python 3.11 virtual environment from the lock file
PY311=$(command -v python3.11 || true)
[ -n "$PY311" ] || { echo "setup: python3.11 not found on PATH" >&2; exit 1; }
command -v uv >/dev/null || "$PY311" -m pip install -q "uv==0.13.9"
UV=$(command -v uv || echo "$PY311 -m uv")
LOCK_SUM=$(sha256sum requirements/lock.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.lock-sum 2>/dev/null)" != "$LOCK_SUM" ]; then
  say "python environment (.venv) from requirements/lock.txt"
  [ -x .venv/bin/python ] || $UV venv -q --python "$PY311" .venv
  $UV pip sync -q --python .venv/bin/python requirements/lock.txt
  $UV pip install -q --python .venv/bin/python --no-deps -e .
  echo "$LOCK_SUM" > .venv/.lock-sum
fi
# Bytecode: uv installs without .pyc files and PYTHONDONTWRITEBYTECODE may be set (it is on the
# shared machines), so every process compiled torch, sympy, ... from source: ≈ 12 s of each vision
# worker's start-up (20 s → 6 s measured with compiled caches). Compile once per lock change.
if [ "$(cat .venv/.bytecode-sum 2>/dev/null)" != "$LOCK_SUM" ]; then
  say "compiling the environment's bytecode (once per lock change)"
  .venv/bin/python -m compileall -q -j 2 .venv/lib/python3.11/site-packages >/dev/null 2>&1 || true
  echo "$LOCK_SUM" > .venv/.bytecode-sum
fi
# opencv-python and its headless twin share the cv2/ folder: removing one (as a sync does when the
# other was installed by hand) deletes cv2 for both. Repair rather than fail later in vision/.
if ! .venv/bin/python -c "import cv2" 2>/dev/null; then
  say "repairing OpenCV (headless)"
  $UV pip install -q --python .venv/bin/python --reinstall "$(grep '^opencv-python-headless==' requirements/lock.txt)"
fi

# 3. The Neo4j launcher (Maven Central artifacts, Neo4j 5.26 LTS Community)
JAR=services/neo4j-local/target/neo4j-local.jar
if [ ! -f "$JAR" ] || [ -n "$(find services/neo4j-local/pom.xml services/neo4j-local/src -newer "$JAR" 2>/dev/null)" ]; then
  say "building the Neo4j launcher (mvn package)"
  mvn_package services/neo4j-local
fi

# 4. The Kafka launcher (Maven Central artifacts, Apache Kafka 4.1 in KRaft mode)
KJAR=services/kafka-local/target/kafka-local.jar
if [ ! -f "$KJAR" ] || [ -n "$(find services/kafka-local/pom.xml services/kafka-local/src -newer "$KJAR" 2>/dev/null)" ]; then
  say "building the Kafka launcher (mvn package)"
  mvn_package services/kafka-local
fi
say "ready"
