# shellcheck shell=bash
# Shared set-up for the scripts in this folder. Source it, do not run it:
#
#   . "$(dirname "$0")/lib.sh"
#   aether_require_jdk     # exports JAVA_HOME (a JDK >= 21) and puts its bin/ first on PATH
#   aether_require_maven   # checks that mvn exists
#   aether_find_nats_server / aether_install_nats_server   # nats-server: where it is; apt-get or brew
#
# After sourcing, AETHER_ROOT is the repository root.

AETHER_MIN_JAVA=21
AETHER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export AETHER_ROOT

aether_info() { printf '==> %s\n' "$*" >&2; }
aether_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Prints the major version of a java binary: 8 for "1.8.0_412", 17 for "17.0.15", 21 for "21" or
# "21-ea", 25 for "25.0.3". Prints nothing (and fails) when the binary does not run.
aether_java_major() {
  local java=$1 line version major
  [ -x "$java" ] || return 1
  line=$("$java" -version 2>&1 | grep -m1 -E 'version "[^"]+"') || return 1
  version=${line#*version \"}
  version=${version%%\"*}
  case $version in
    1.*) version=${version#1.} ;;
  esac
  major=${version%%[!0-9]*}
  [ -n "$major" ] || return 1
  printf '%s\n' "$major"
}

# True when a directory is a JDK (has java and javac) whose major version is >= AETHER_MIN_JAVA.
aether_is_good_jdk() {
  local home=$1 major
  [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  major=$(aether_java_major "$home/bin/java") || return 1
  [ "$major" -ge "$AETHER_MIN_JAVA" ]
}

# Prints the newest good JDK under the given parent directories (e.g. /usr/lib/jvm).
aether_newest_jdk_under() {
  local parent dir major best="" best_major=0
  for parent in "$@"; do
    for dir in "$parent"/*; do
      [ -d "$dir" ] || continue
      [ -d "$dir/Contents/Home" ] && dir="$dir/Contents/Home"   # macOS bundle layout
      aether_is_good_jdk "$dir" || continue
      major=$(aether_java_major "$dir/bin/java")
      if [ "$major" -gt "$best_major" ]; then
        best=$dir
        best_major=$major
      fi
    done
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

# Prints the home of the java found on PATH, when it is a good JDK (covers SDKMAN!, asdf, ...).
aether_jdk_from_path() {
  local java home
  java=$(command -v java) || return 1
  home=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p' | head -n1)
  aether_is_good_jdk "$home" && printf '%s\n' "$home"
}

# Finds a JDK >= 21: JAVA_HOME, then the newest under /usr/lib/jvm (Linux) or java_home (macOS), then the
# java on PATH. Exports JAVA_HOME and puts its bin/ first on PATH; stops with install hints otherwise.
aether_require_jdk() {
  local home=""
  if aether_is_good_jdk "${JAVA_HOME:-}"; then
    home=$JAVA_HOME
  else
    home=$(aether_newest_jdk_under /usr/lib/jvm /usr/java /opt/java) || home=""
    if [ -z "$home" ] && [ -x /usr/libexec/java_home ]; then
      home=$(/usr/libexec/java_home -v "$AETHER_MIN_JAVA+" 2>/dev/null) || home=""
      aether_is_good_jdk "$home" || home=""
    fi
    [ -n "$home" ] || home=$(aether_jdk_from_path) || home=""
  fi
  if [ -z "$home" ]; then
    local seen=""
    [ -n "${JAVA_HOME:-}" ] && seen=" JAVA_HOME=$JAVA_HOME is not one."
    command -v java >/dev/null 2>&1 && seen="$seen The java on PATH is version $(aether_java_major "$(command -v java)" || echo '?')."
    aether_die "Aether needs a JDK $AETHER_MIN_JAVA or newer (java and javac), and none was found.$seen
  Looked at: JAVA_HOME, /usr/lib/jvm/*, /usr/java/*, /opt/java/*, /usr/libexec/java_home (macOS), java on PATH.
  Install one, for example:
    Ubuntu 24.04+, Debian 13+:  sudo apt-get install -y openjdk-21-jdk
    Debian 12 and others:      a Temurin JDK (https://adoptium.net/installation/linux)
    macOS:                     brew install --cask temurin
  or point JAVA_HOME at an installed JDK >= $AETHER_MIN_JAVA."
  fi
  JAVA_HOME=$home
  PATH="$JAVA_HOME/bin:$PATH"
  export JAVA_HOME PATH
  # Maven's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build; silence that only.
  if [ "$(aether_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
    case " ${MAVEN_OPTS:-} " in
      *--sun-misc-unsafe-memory-access=*) ;;
      *) MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
    esac
    export MAVEN_OPTS
  fi
}

# Stops with a clear message when Maven is missing.
aether_require_maven() {
  command -v mvn >/dev/null 2>&1 || aether_die "Aether builds with Apache Maven (3.8 or newer), and mvn is not on PATH.
  Install it, for example:
    Debian/Ubuntu:  sudo apt-get install -y maven
    macOS:          brew install maven"
}

# Prints a space-free Java version summary of the selected JDK, e.g. "25.0.3+9-LTS".
aether_java_version() {
  "$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p' | head -n1
}

# Prints the path of an installed nats-server, also where it is not on PATH (Debian puts it in /usr/sbin).
aether_find_nats_server() {
  local candidate
  if candidate=$(command -v nats-server 2>/dev/null); then
    printf '%s\n' "$candidate"
    return 0
  fi
  for candidate in /usr/sbin/nats-server /usr/local/sbin/nats-server /usr/local/bin/nats-server \
      /opt/homebrew/bin/nats-server "${HOME:-/nonexistent}/go/bin/nats-server"; do
    if [ -x "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# Runs a command as root: directly when we are root, else through sudo without a password prompt.
aether_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

# Installs nats-server: apt-get on Debian/Ubuntu (as root or with passwordless sudo), brew on macOS. Fails
# (after saying why) when neither can.
aether_install_nats_server() {
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
      aether_info "cannot install nats-server: not root and no passwordless sudo"
      return 1
    fi
    aether_info "installing nats-server with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    aether_as_root apt-get update -qq || aether_info "apt-get update failed; trying the install anyway"
    aether_as_root apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends nats-server </dev/null
  elif command -v brew >/dev/null 2>&1; then
    aether_info "installing nats-server with brew"
    HOMEBREW_NO_AUTO_UPDATE=1 brew install nats-server </dev/null
  else
    aether_info "cannot install nats-server: neither apt-get nor brew is available"
    return 1
  fi
}

# Exports AETHER_NATS_SERVER (the binary the integration tests and the benchmarks start), installing
# nats-server if needed.
aether_require_nats_server() {
  if [ -n "${AETHER_NATS_SERVER:-}" ]; then
    [ -x "$AETHER_NATS_SERVER" ] || aether_die "AETHER_NATS_SERVER=$AETHER_NATS_SERVER is not an executable file."
  else
    AETHER_NATS_SERVER=$(aether_find_nats_server) || {
      aether_install_nats_server || true
      AETHER_NATS_SERVER=$(aether_find_nats_server) || aether_die "nats-server (2.9 or newer) is needed, and it could not be installed.
  Install it, then run this script again:
    Debian/Ubuntu:  sudo apt-get install -y nats-server
    macOS:          brew install nats-server
    elsewhere:      https://docs.nats.io/running-a-nats-service/introduction/installation
  or set AETHER_NATS_SERVER=/path/to/nats-server, or skip the tests that need it: ./scripts/test -DexcludedGroups=nats"
    }
  fi
  export AETHER_NATS_SERVER
  aether_info "nats-server: $AETHER_NATS_SERVER ($("$AETHER_NATS_SERVER" --version 2>&1 | head -n1))"
}

# The oldest nats-server that replicated streams may use (2.9.10 corrupts them with two writers).
AETHER_REPLICATION_MIN_VERSION=2.9.21

# Prints a binary's version without the leading v, e.g. "2.9.10".
aether_nats_server_version() {
  "$1" --version 2>&1 | sed -n 's/^nats-server: v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n1
}

# True when version $1 >= version $2 (dotted numbers).
aether_version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -t. -k1,1n -k2,2n -k3,3n | head -n1)" = "$2" ]
}

# Exports AETHER_NATS_SERVER_NEW (a nats-server >= AETHER_REPLICATION_MIN_VERSION, for the tests and the
# benchmark cases with replicated streams), fetching it if needed; call aether_require_nats_server first.
aether_require_new_nats_server() {
  if [ -n "${AETHER_NATS_SERVER_NEW:-}" ]; then
    [ -x "$AETHER_NATS_SERVER_NEW" ] || aether_die "AETHER_NATS_SERVER_NEW=$AETHER_NATS_SERVER_NEW is not an executable file."
  elif aether_version_at_least "$(aether_nats_server_version "$AETHER_NATS_SERVER")" "$AETHER_REPLICATION_MIN_VERSION"; then
    AETHER_NATS_SERVER_NEW=$AETHER_NATS_SERVER
  else
    AETHER_NATS_SERVER_NEW=$("$AETHER_ROOT/scripts/fetch-nats-server" 2.10) || aether_die "replicated streams
  need nats-server $AETHER_REPLICATION_MIN_VERSION or newer, and scripts/fetch-nats-server could not fetch one (see above).
  Set AETHER_NATS_SERVER_NEW=/path/to/nats-server (>= $AETHER_REPLICATION_MIN_VERSION), or skip every nats-server test:
  ./scripts/test -DexcludedGroups=nats"
  fi
  local found
  found=$(aether_nats_server_version "$AETHER_NATS_SERVER_NEW")
  aether_version_at_least "$found" "$AETHER_REPLICATION_MIN_VERSION" || aether_die "AETHER_NATS_SERVER_NEW=$AETHER_NATS_SERVER_NEW is version
  ${found:-unknown}; replicated streams need $AETHER_REPLICATION_MIN_VERSION or newer."
  export AETHER_NATS_SERVER_NEW
  aether_info "newer nats-server: $AETHER_NATS_SERVER_NEW (v$found)"
}
