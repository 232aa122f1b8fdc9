# Build stage: turn the source into a wheel (prompts/ is packed inside it as bot/_prompts).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY adapters ./adapters
COPY prompts ./prompts
COPY locales ./locales
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Runtime stage: the wheel with every platform extra, run as an unprivileged user.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 kith \
    && mkdir -p /data && chown kith:kith /data
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir "$(ls /wheels/*.whl)[discord,slack,postgres,charts]" \
    && rm -rf /wheels
USER kith
WORKDIR /home/kith
# The ops port serves /healthz for the health check below (and /metrics). It listens on the
# container's loopback only; set KITH_OPS_HOST=0.0.0.0 and publish the port to scrape /metrics.
ENV KITH_DATABASE_URL=/data/kith.sqlite3 \
    KITH_OPS_PORT=9464 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
# Healthy while the process runs and its database answers (see README, Operations). The start
# period covers migrations and the platform login on a first start.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["kith", "health"]
# KITH_PLATFORM (console, discord or slack) and the platform's tokens choose the adapter.
ENTRYPOINT ["kith"]
CMD ["run"]
