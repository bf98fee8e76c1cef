# crm's HTTP API and web page as a container image:
#   docker build -t crm .
#   docker run -p 8000:8000 crm                                    # in memory, seeded (like `crm serve`)
#   docker run -p 8000:8000 -v crm-data:/data crm \
#       crm serve --host 0.0.0.0 --port 8000 --db /data/crm.sqlite # kept in a SQLite file on a volume
# scripts/docker-image-test checks this file without a Docker engine: it builds with BUILD_FLAGS, installs
# RUNTIME_PACKAGES into a debootstrapped bookworm root and runs the binary there as the user below, including the
# HEALTHCHECK command.

FROM swift:6.3-bookworm AS build
ARG BUILD_FLAGS="-c release --static-swift-stdlib --product crm"
RUN apt-get update \
    && apt-get install -y --no-install-recommends libedit-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build $BUILD_FLAGS \
    && install -D -m 0755 "$(swift build $BUILD_FLAGS --show-bin-path)/crm" /out/crm

FROM debian:bookworm-slim
ARG RUNTIME_PACKAGES="libedit2 libsqlite3-0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends $RUNTIME_PACKAGES \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 crm \
    && useradd --system --uid 10001 --gid crm --home-dir /data --create-home --shell /usr/sbin/nologin crm
COPY --from=build /out/crm /usr/local/bin/crm
USER crm
WORKDIR /data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8000 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"ok\"' <&3"]
CMD ["crm", "serve", "--host", "0.0.0.0", "--port", "8000"]
