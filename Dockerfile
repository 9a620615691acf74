# Dozor application image: one image, three roles (api / pipeline worker / connector worker).
# The default command runs the API; docker-compose.yml overrides it for the workers.
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first (layer cache). tsx is a devDependency and runs the TypeScript
# sources directly, so all dependencies are installed (no --omit=dev).
COPY package.json package-lock.json ./
# npm install, not ci: see .ci/run (optional per-platform builds missing from the lock).
RUN npm install --no-audit --no-fund && npm cache clean --force

# Sources and runtime files (gazetteers, classifier model, demo posts, dashboards).
# Listed explicitly so a local node_modules/ and .cache/ (the tests' Elasticsearch)
# never end up in the image; add new top-level runtime directories here.
COPY tsconfig.json ./
COPY src ./src
COPY workers ./workers
COPY connectors ./connectors
COPY config ./config
COPY models ./models
COPY dashboards ./dashboards
COPY scripts ./scripts
RUN npm run build:dashboards

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_LEVEL=info

USER node
EXPOSE 3000
CMD ["npx", "tsx", "src/main/api.ts"]
