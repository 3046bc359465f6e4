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
# OCR of scanned plans happens on the box: Tesseract with Vietnamese data, poppler for pdftoppm.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie poppler-utils ca-certificates tini \
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
COPY knowledge ./knowledge
RUN mkdir -p /app/data /app/models && chown -R node:node /app/data /app/models
# Index, SQLite database and sessions; embedding model (copy it in or run `npm run fetch-model` once).
VOLUME ["/app/data", "/app/models"]
EXPOSE 8080
USER node
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["npm", "start"]
