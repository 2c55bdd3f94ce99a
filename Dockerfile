# Landstock service image: SpatiaLite for the embedded mode, pg_dump for `landstock backup`, Pango
# and a CJK font (fonts-wqy-microhei, embedded in every PDF report) for WeasyPrint, the
# pinned Python dependencies, the pages' browser assets (npm ci from package-lock.json, served by
# Landstock itself: the intranet has no CDN). It migrates the database and serves; the synthetic
# sample is loaded only by the compose file's `demo` profile (`landstock demo`, refused in
# production).
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-mod-spatialite postgresql-client curl \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

COPY pyproject.toml README.md package.json ./
COPY service ./service
COPY gis ./gis
COPY maps ./maps
COPY data ./data
COPY --from=assets /assets/node_modules ./node_modules
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --home /app landstock && chown -R landstock /app/data

USER landstock
ENV LANDSTOCK_HOST=0.0.0.0 LANDSTOCK_PORT=8000 LANDSTOCK_DATA_DIR=/app/data \
    LANDSTOCK_DATABASE_URL=sqlite:////app/data/landstock.sqlite \
    LANDSTOCK_MAP_ASSETS_DIR=/app/node_modules
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["sh", "-c", "landstock db upgrade && exec landstock serve"]
