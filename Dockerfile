# Build stage: turn the source into a wheel (prompts/ is packed inside it as bot/_prompts).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY prompts ./prompts
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Runtime stage: the wheel with every platform extra, run as an unprivileged user.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 kith \
    && mkdir -p /data && chown kith:kith /data
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir "$(ls /wheels/*.whl)[discord,slack,postgres]" \
    && rm -rf /wheels
USER kith
WORKDIR /home/kith
ENV KITH_DATABASE_URL=/data/kith.sqlite3 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
# KITH_PLATFORM (console, discord or slack) and the platform's tokens choose the adapter.
ENTRYPOINT ["kith"]
CMD ["run"]
