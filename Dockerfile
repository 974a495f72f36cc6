# Tandem's image: the package and its dependencies installed at build time, run as a user
# without privileges. `docker compose up --build` runs it on PostgreSQL (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango and a font for WeasyPrint, which renders the PDF decision record (`tandem export --format pdf`)
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# a user of its own; /var/lib/tandem holds the signing key (a volume), nothing else is writable
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/tandem --create-home \
        --shell /usr/sbin/nologin tandem

WORKDIR /opt/tandem
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY web ./web
# the default governance rules, read by the Rules page from the working directory
COPY features ./features
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install . \
    && rm -rf build *.egg-info

ENV PATH=/opt/venv/bin:$PATH \
    TANDEM_SIGNING_KEY=/var/lib/tandem/signing.key

USER tandem
EXPOSE 8000

# healthy = the process answers and its database answers (/readyz; /healthz is the process alone)
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status == 200 else 1)"]

# The first start creates the schema and the admin and prints the admin's one-time login link
# (under TANDEM_BASE_URL); later starts change nothing. `exec` lets uvicorn get the signals.
CMD ["sh", "-c", "tandem init --exist-ok --login-link --admin-id \"${TANDEM_ADMIN_ID:-admin}\" --admin-name \"${TANDEM_ADMIN_NAME:-Tandem Admin}\" --admin-unit \"${TANDEM_ADMIN_UNIT:-it}\" && exec tandem serve --host 0.0.0.0 --port 8000"]
