# Trợ lý ảo — bot server image. Docker is not available on the development machines, so this file is
# kept simple and checked by reading; see README "Docker".
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# Native addons (better-sqlite3, hnswlib-node) build from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
# OCR of scanned plans happens on the box: Tesseract with Vietnamese data, poppler for pdftoppm;
# LibreOffice headless converts .doc/.odt/.rtf documents to .docx before reading.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie poppler-utils ca-certificates tini \
    libreoffice-writer-nogui \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/app/data \
    MODEL_DIR=/app/models \
    KNOWLEDGE_DIR=/app/knowledge
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
COPY --chown=node:node knowledge ./knowledge
RUN mkdir -p /app/data /app/models && chown -R node:node /app/data /app/models /app/knowledge
# Index, SQLite database, sessions and the registry of documents added by path; embedding model
# (copy it in or run `npm run fetch-model` once); the documents themselves. A new named volume on
# /app/knowledge starts as a copy of the bundled knowledge (sample plans, procedure guides, agency
# registry), owned by the unprivileged user: admins add plans there and reindex, no rebuild.
VOLUME ["/app/data", "/app/models", "/app/knowledge"]
EXPOSE 8080
USER node
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# tini is PID 1: it forwards SIGTERM to the server and reaps children. The server is started
# directly, not through npm, so the signal reaches it; it then stops intake, drains in-flight
# replies, closes SQLite and exits within 10 s. Logs are JSON lines (stdout is not a terminal).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "src/server/main.ts"]
