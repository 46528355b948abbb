#!/usr/bin/env bash
# Packs Spotlight's NuGet packages into a local feed folder:
#   build/pack.sh [FEED]        (default: artifacts/feed)
# Spotlight, Spotlight.Server, Spotlight.Metrics.Ptb, Spotlight.Models.Flickr8k and the spotlight tool
# (Spotlight.Cli, one package for linux-x64 and one that points to it). The build runs with SpotlightPack=true
# (packages declare TorchSharp-cpu and the ResNet-18 package instead of this machine's libtorch) in its own
# artifacts folder, so it never disturbs the bin/ and obj/ folders of a normal build. docs/packages.md says more.
# SPOTLIGHT_VERSION overrides the version (Directory.Build.props), SPOTLIGHT_PACK_WORK the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
feed=$(realpath -m "${1:-artifacts/feed}")
work=$(realpath -m "${SPOTLIGHT_PACK_WORK:-artifacts/pack}")
mkdir -p "$feed"
version=()
if [ -n "${SPOTLIGHT_VERSION:-}" ]; then version=("-p:Version=$SPOTLIGHT_VERSION"); fi
for project in Spotlight Spotlight.Metrics.Ptb Spotlight.Server Spotlight.Models.Flickr8k Spotlight.Cli; do
  dotnet pack "src/$project/$project.csproj" -c Release -p:SpotlightPack=true "${version[@]}" --artifacts-path "$work" -o "$feed" -nologo -v quiet
done
ls -1 "$feed"
