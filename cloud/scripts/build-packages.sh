#!/usr/bin/env bash
# Builds the Debian packages of the system with dpkg-deb (no debhelper needed):
#   iot-agent_<ver>_amd64.deb, iot-agent_<ver>_arm64.deb   NativeAOT agent (linux-x64 / linux-arm64 cross-compiled)
#   iot-bridge_<ver>_<arch>.deb (with iotctl), iot-worker_<ver>_<arch>.deb, iot-dashboard_<ver>_<arch>.deb
# Debian does not package the .NET 10 runtime, so the cloud programs are published self-contained (a framework-
# dependent build would need Microsoft's apt repository on every server).
#
# usage: build-packages.sh [--agent-arch x64|arm64|all|none] [--cloud | --no-cloud] [--cloud-arch x64|arm64]
#                          [--out DIR] [--version V] [--agent-publish DIR] [--compression xz|gzip|zstd|none]
#   --agent-publish DIR  package an existing `dotnet publish -r linux-<arch>` of the agent instead of publishing
#                        (needs one --agent-arch; the tests pass the publish they already made)
# Defaults: all agent architectures, the cloud packages for x64, out = dist/packages, version 0.1.0+git<date>.<sha>.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
agent_arch=all
cloud=yes
cloud_arch=x64
out="$root/dist/packages"
version=""
agent_publish=""
compression=xz

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --agent-arch) agent_arch="${2:?}"; shift 2 ;;
        --cloud) cloud=yes; shift ;;
        --no-cloud) cloud=no; shift ;;
        --cloud-arch) cloud_arch="${2:?}"; shift 2 ;;
        --out) out="${2:?}"; shift 2 ;;
        --version) version="${2:?}"; shift 2 ;;
        --agent-publish) agent_publish="${2:?}"; shift 2 ;;
        --compression) compression="${2:?}"; shift 2 ;;
        -h|--help) usage ;;
        *) echo "build-packages.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

case "$agent_arch" in x64|arm64) agent_arches=("$agent_arch") ;; all) agent_arches=(x64 arm64) ;; none) agent_arches=() ;;
    *) echo "build-packages.sh: --agent-arch must be x64, arm64, all or none" >&2; exit 2 ;; esac
case "$cloud_arch" in x64|arm64) ;; *) echo "build-packages.sh: --cloud-arch must be x64 or arm64" >&2; exit 2 ;; esac
case "$compression" in xz|gzip|zstd|none) ;; *) echo "build-packages.sh: --compression must be xz, gzip, zstd or none" >&2; exit 2 ;; esac
if [ -n "$agent_publish" ]; then
    [ ${#agent_arches[@]} -eq 1 ] || { echo "build-packages.sh: --agent-publish needs --agent-arch x64 or arm64" >&2; exit 2; }
    [ -x "$agent_publish/iot-agent" ] || { echo "build-packages.sh: $agent_publish/iot-agent is not an executable" >&2; exit 2; }
fi
if [ -z "$version" ]; then
    sha="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    version="0.1.0+git$(date -u +%Y%m%d).$sha"
fi
# Debian's rule for an upstream version without epoch or revision: a digit first, then [A-Za-z0-9.+~].
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || { echo "build-packages.sh: version '$version' is not a Debian version (digit first, then [A-Za-z0-9.+~])" >&2; exit 2; }
command -v dpkg-deb >/dev/null || { echo "build-packages.sh: dpkg-deb not found (apt-get install dpkg)" >&2; exit 1; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/iot-packages.XXXXXX")"
trap 'rm -rf "$work"' EXIT

deb_arch() { case "$1" in x64) echo amd64 ;; arm64) echo arm64 ;; esac; }

publish() { # project-dir rid output [dotnet publish options]
    echo "build-packages.sh: dotnet publish $1 -r $2" >&2
    nice -n 10 dotnet publish "$root/$1" -c Release -r "$2" --self-contained -o "$3" -nologo -v quiet "${@:4}"
}

# The newest glibc symbol version any ELF file under a directory needs: the package's libc6 dependency. readelf reads
# every architecture's ELF, so this works for the cross-compiled arm64 build too.
glibc_floor() {
    local v
    v="$(find "$1" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
        | xargs -0 readelf --dyn-syms -W 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1 || true)"
    echo "${v:?no ELF file with glibc symbols under $1}"
}

# Files of one publish copied into the package tree; symbol files stay out (tens of MB, no use on a server or device).
copy_publish() { # from to
    mkdir -p "$2"
    cp -a "$1"/. "$2"/
    find "$2" -type f \( -name '*.dbg' -o -name '*.pdb' \) -delete
    # NuGet natives arrive 0744; what the package installs is 0755 (programs, libraries) or 0644, whoever runs it.
    find "$2" -type d -exec chmod 0755 {} +
    find "$2" -type f -perm /u+x -exec chmod 0755 {} +
    find "$2" -type f ! -perm /u+x -exec chmod 0644 {} +
}

# Several programs in one directory (the bridge and iotctl) share their runtime files; a file both ship must be the
# same file, or one program would run with the other's version of it.
merge_publish() { # from to
    local rel
    while IFS= read -r -d '' rel; do
        rel="${rel#./}"
        if [ -e "$2/$rel" ] && ! cmp -s "$1/$rel" "$2/$rel"; then
            echo "build-packages.sh: $rel differs between $(basename "$1") and $(basename "$2"); they cannot share a directory" >&2
            exit 1
        fi
    done < <(cd "$1" && find . -type f ! -name '*.dbg' ! -name '*.pdb' -print0)
    copy_publish "$1" "$2"
}

maintainer_scripts() { # template-dir stage [sed expressions...]
    local dir="$1" stage="$2" name src
    shift 2
    for name in postinst prerm postrm; do
        src="$dir/$name"
        [ -f "$src" ] || src="$dir/$name.in"
        sed "$@" "$src" >"$stage/DEBIAN/$name"
        chmod 0755 "$stage/DEBIAN/$name"
        bash -n "$stage/DEBIAN/$name"
    done
}

control() { # stage package arch depends recommends summary description
    local size
    size="$(du -sk --exclude=DEBIAN "$1" | cut -f1)"
    {
        echo "Package: $2"
        echo "Version: $version"
        echo "Architecture: $3"
        echo "Maintainer: IoT audio platform <iot-audio@example.invalid>"
        echo "Section: misc"
        echo "Priority: optional"
        echo "Installed-Size: $size"
        echo "Depends: $4"
        [ -z "$5" ] || echo "Recommends: $5"
        echo "Description: $6"
        echo "$7" | fold -s -w 78 | sed 's/^/ /; s/ *$//'
    } >"$1/DEBIAN/control"
}

build_deb() { # stage package arch
    local file="$out/${2}_${version}_${3}.deb"
    dpkg-deb --root-owner-group -Z"$compression" --build "$1" "$file" >/dev/null
    echo "$file"
}

build_agent() { # x64|arm64
    local arch="$1" rid="linux-$1" darch stage publish_dir
    darch="$(deb_arch "$arch")"
    stage="$work/iot-agent-$arch"
    publish_dir="$agent_publish"
    if [ -z "$publish_dir" ]; then
        publish_dir="$work/publish-agent-$arch"
        bash "$root/edge/scripts/fetch-vad-model.sh" >/dev/null
        publish edge/Iot.Edge.Agent "$rid" "$publish_dir"
    fi
    [ -x "$publish_dir/iot-agent" ] || { echo "build-packages.sh: no iot-agent in $publish_dir" >&2; exit 1; }
    # A publish handed in with --agent-publish must be for the architecture the package claims.
    local machine
    machine="$(readelf -h "$publish_dir/iot-agent" | sed -n 's/^ *Machine: *//p')"
    case "$arch:$machine" in x64:*X86-64*|arm64:*AArch64*) ;;
        *) echo "build-packages.sh: $publish_dir/iot-agent is built for '$machine', not $arch" >&2; exit 1 ;; esac
    # Without the model the default speech detector (Vad:Engine=auto) quietly falls back to the energy detector.
    [ -f "$publish_dir/models/silero_vad_v5.onnx" ] || { echo "build-packages.sh: $publish_dir has no models/silero_vad_v5.onnx (run edge/scripts/fetch-vad-model.sh, then publish again)" >&2; exit 1; }
    mkdir -p "$stage/DEBIAN" "$stage/lib/systemd/system" "$stage/etc/iot-agent" "$stage/usr/share/doc/iot-agent"
    copy_publish "$publish_dir" "$stage/opt/iot-agent"
    # NuGet packages put every platform's natives in the publish (Windows DLLs, macOS dylibs, Whisper for 32-bit ARM):
    # the package keeps this architecture's only.
    find "$stage/opt/iot-agent" -maxdepth 1 -type f \( -name '*.dll' -o -name '*.dylib' -o -name '*.metal' \) -delete
    find "$stage/opt/iot-agent/runtimes" -mindepth 1 -maxdepth 1 ! -name "$rid" -exec rm -rf {} + 2>/dev/null || true
    install -m 0644 "$root/edge/deploy/iot-agent.service" "$stage/lib/systemd/system/iot-agent.service"
    # 0640 here, group iot-agent from postinst (the user does not exist when dpkg unpacks).
    install -m 0640 "$root/edge/deploy/iot-agent.json" "$stage/etc/iot-agent/iot-agent.json"
    install -m 0644 "$root/edge/deploy/iot-agent.example.json" "$stage/usr/share/doc/iot-agent/iot-agent.example.json"
    install -m 0644 "$root/edge/README.md" "$stage/usr/share/doc/iot-agent/README.md"
    echo "/etc/iot-agent/iot-agent.json" >"$stage/DEBIAN/conffiles"
    maintainer_scripts "$root/edge/deploy/debian" "$stage" -e ''
    control "$stage" iot-agent "$darch" \
        "libc6 (>= $(glibc_floor "$stage/opt/iot-agent")), libgcc-s1, libstdc++6, libssl3, libasound2, passwd, init-system-helpers" \
        "libopus0" \
        "IoT audio edge agent (capture, Opus chunks, crash-safe outbox, MQTT uplink)" \
        "NativeAOT build of iot-agent with its systemd unit (Type=notify, watchdog, hardened). Configuration in /etc/iot-agent/iot-agent.json; recorded chunks wait in /var/lib/iot-agent/spool until the cloud acknowledges them. The service is enabled on install and started by the operator once the configuration names the tenant, device and broker."
    build_deb "$stage" iot-agent "$darch"
}

# program project doc state-group state-mode keep-state depends-extra recommends summary description
#   [extra-project extra-executable]: a second program published into the same directory, linked into /usr/bin
build_cloud() {
    local program="$1" project="$2" doc="$3" state_group="$4" state_mode="$5" keep_state="$6"
    local depends_extra="$7" recommends="$8" summary="$9" description="${10}" extra="${11:-}" extra_exe="${12:-}"
    local rid="linux-$cloud_arch" darch stage
    darch="$(deb_arch "$cloud_arch")"
    stage="$work/$program"
    mkdir -p "$stage/DEBIAN" "$stage/lib/systemd/system" "$stage/etc/iot" "$stage/usr/share/doc/$program" "$stage/usr/share/$program"
    publish "$project" "$rid" "$work/publish-$program"
    copy_publish "$work/publish-$program" "$stage/opt/$program"
    if [ -n "$extra" ]; then
        # Its libraries were all just built for the first program; building them again (a restore for another project
        # can mark them stale) would make byte-different copies of the same code, which merge_publish refuses.
        publish "$extra" "$rid" "$work/publish-$program-extra" --no-dependencies
        merge_publish "$work/publish-$program-extra" "$stage/opt/$program"
        # The apphost finds its files through the link's target, so a link in PATH is enough.
        mkdir -p "$stage/usr/bin"
        ln -s "/opt/$program/$extra_exe" "$stage/usr/bin/$extra_exe"
    fi
    install -m 0644 "$root/cloud/deploy/$program.service" "$stage/lib/systemd/system/$program.service"
    install -m 0640 "$root/cloud/deploy/$program.json" "$stage/etc/iot/$program.json"
    install -m 0644 "$root/cloud/deploy/$program.env.example" "$stage/usr/share/$program/$program.env.example"
    install -m 0644 "$root/$doc" "$stage/usr/share/doc/$program/README.md"
    echo "/etc/iot/$program.json" >"$stage/DEBIAN/conffiles"
    maintainer_scripts "$root/cloud/deploy/debian" "$stage" \
        -e "s|@PROGRAM@|$program|g" -e "s|@STATE_GROUP@|$state_group|g" -e "s|@STATE_MODE@|$state_mode|g" -e "s|@KEEP_STATE@|$keep_state|g"
    control "$stage" "$program" "$darch" \
        "libc6 (>= $(glibc_floor "$stage/opt/$program")), libgcc-s1, libstdc++6, libssl3, passwd, init-system-helpers$depends_extra" \
        "$recommends" "$summary" "$description"
    build_deb "$stage" "$program" "$darch"
}

for arch in "${agent_arches[@]}"; do
    build_agent "$arch"
done

if [ "$cloud" = yes ]; then
    build_cloud iot-bridge cloud/Iot.Cloud.Bridge README.md iot 0770 yes "" "postgresql" \
        "IoT cloud bridge (chunk ingest, embedded MQTT broker, operator API) and iotctl" \
        "Self-contained .NET build of iot-bridge with its systemd unit (Type=notify, hardened) and the iotctl operator tool (/usr/bin/iotctl). Settings in /etc/iot/iot-bridge.json, secrets (DATABASE_URL) in /etc/iot/iot-bridge.env; audio in /var/lib/iot-bridge, kept on purge." \
        provisioning/Iot.Provisioning.Cli iotctl
    build_cloud iot-worker cloud/Iot.Cloud.Worker cloud/Iot.Cloud.Pipeline/README.md iot-worker 0750 no "" "libopus0, pocketsphinx, pocketsphinx-en-us" \
        "IoT pipeline workers (dialogues, transcription, analysis, retention)" \
        "Self-contained .NET build of iot-worker with its systemd unit (Type=notify, hardened). Settings in /etc/iot/iot-worker.json, secrets in /etc/iot/iot-worker.env. Reads and prunes the bridge's audio in /var/lib/iot-bridge through group iot."
    build_cloud iot-dashboard dashboard/Iot.Dashboard dashboard/README.md iot-dashboard 0700 no ", fonts-dejavu-core, libicu72" "" \
        "IoT staff dashboard (ASP.NET Core)" \
        "Self-contained .NET build of iot-dashboard with its systemd unit (Type=notify, hardened), listening on 127.0.0.1:5080 behind a TLS reverse proxy. Settings in /etc/iot/iot-dashboard.json, secrets (DATABASE_URL, signing key) in /etc/iot/iot-dashboard.env."
fi
