# syntax=docker/dockerfile:1
# The spotlight CLI and HTTP server. Build: docker build -t spotlight:0.1.0 .   (docs/deploy.md)
#
# Both stages are pinned to linux/amd64: the build restores the linux-x64 libtorch package whatever the machine
# (Directory.Build.props picks the libtorch RID from the OS, not the CPU), so an arm64 image would hold x64 natives
# that cannot load. On an arm64 machine this builds and runs under emulation instead of producing a broken image.

FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the project files alone, so that a change to the code does not download the ~1 GB of packages
# (libtorch, ONNX Runtime, the ResNet-18 ONNX package) again. A new project referenced by the CLI needs a line here.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Spotlight/Spotlight.csproj src/Spotlight/
COPY src/Spotlight.Metrics.Ptb/Spotlight.Metrics.Ptb.csproj src/Spotlight.Metrics.Ptb/
COPY src/Spotlight.Server/Spotlight.Server.csproj src/Spotlight.Server/
COPY src/Spotlight.Cli/Spotlight.Cli.csproj src/Spotlight.Cli/
RUN dotnet restore src/Spotlight.Cli/Spotlight.Cli.csproj

COPY . .
# - The publish is portable: it carries every RID's natives (Windows, macOS, Android, musl...). Only linux-x64 can
#   run in this image; the others are ~750 MB.
# - libOpenCvSharpExtern.so (109 MB) serves only the inpainting baselines and needs GTK 3, which this image does not
#   have (see the runtime stage); without it `spotlight info` reports OpenCV as missing and nothing else changes.
#   libtorch_python.so is libtorch's Python binding, which nothing here loads.
# - The `test -f` checks fail the build here, not at the first request, when a publish leaves out the natives, the
#   ResNet-18 encoder or the shipped captioner.
RUN dotnet publish src/Spotlight.Cli/Spotlight.Cli.csproj -c Release -o /app \
    && test -x /app/spotlight \
    && find /app/runtimes -mindepth 1 -maxdepth 1 -type d ! -name linux-x64 ! -name linux ! -name unix -exec rm -rf {} + \
    && rm -f /app/runtimes/linux-x64/native/libOpenCvSharpExtern.so /app/runtimes/linux-x64/native/libtorch_python.so \
    && test -f /app/runtimes/linux-x64/native/libLibTorchSharp.so \
    && test -f /app/runtimes/linux-x64/native/libtorch_cpu.so \
    && test -f /app/runtimes/linux-x64/native/libonnxruntime.so \
    && test -f /app/DnnImageModels/ResNet18Onnx/ResNet18.onnx \
    && test -f /app/models/flickr8k-captioner.spotlight

# aspnet:10.0 is Ubuntu 24.04 (noble). No apt packages are added: libtorch, libLibTorchSharp, ONNX Runtime,
# SkiaSharp (NoDependencies build) and HarfBuzzSharp need only glibc, libstdc++ and libgcc_s, which the base image
# has; libtorch brings its own libgomp (libgomp-98b21ff3.so.1). Noble's libstdc++ has GLIBCXX_3.4.33, so the build's
# libLibTorchSharp.so patch (docs/torchsharp-on-debian.md) is not even needed here.
FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
# Owned by root and not writable by the user that runs it: a compromised process cannot replace the program or the model.
COPY --from=build /app /app
COPY LICENSE THIRD-PARTY-NOTICES.md /usr/share/doc/spotlight/

# The base image's non-root user "app" (UID 1654, $APP_UID); numeric, so that Kubernetes' runAsNonRoot can verify it.
USER $APP_UID

# One caption of a sample photo in the final image, as the user that will run it: libtorch, ONNX Runtime (ResNet-18)
# and SkiaSharp all load, or the build fails. The tmpfs keeps ONNX Runtime's ~/.cache files out of the layer.
RUN --mount=type=bind,from=build,source=/src/samples/chelsea.png,target=/smoke/chelsea.png \
    --mount=type=tmpfs,target=/tmp \
    HOME=/tmp /app/spotlight info \
    && HOME=/tmp /app/spotlight caption /smoke/chelsea.png

EXPOSE 8080
# No curl or wget in the image (and none added for this alone): bash, which the Ubuntu base has, speaks enough HTTP
# through /dev/tcp. It asks /readyz, not /healthz, because what `docker compose` gates on (service_healthy) is "can
# take requests", which includes the model's warm-up. It assumes the default CMD's port 8080; run other commands
# (caption, a different --urls) with --no-healthcheck. Kubernetes ignores HEALTHCHECK and uses the probes in deploy/.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ $status == *' 200 '* ]]"]

ENTRYPOINT ["/app/spotlight"]
CMD ["serve", "--urls", "http://0.0.0.0:8080"]
