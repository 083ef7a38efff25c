# The hub's Node services (sinks, reconciler, API) in one image; docker-compose.yml picks the
# entry point per service. Not built or run on the development machines (no Docker engine there).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save tsx@4.23.15
COPY core core
COPY sinks sinks
COPY hub hub
COPY config config
COPY bin bin
COPY scripts scripts
ENV NODE_ENV=production
USER node
CMD ["node", "--import", "tsx", "hub/api/main.ts"]
