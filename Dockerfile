# The hub's Node services (sinks, reconciler, API, Shopify channel, ERP write-back; the store
# agent and the ops CLIs too) in one image, compiled: docker-compose.yml picks the entry point per
# service (`node dist/<service>/main.js`). Nothing of the repo's development values is inside:
# config/ holds only the mappings and the ERP interface limits (scripts/build), and every address,
# password and secret file comes from the environment (a missing one stops the service naming it).

# Build: the whole toolchain, then dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build scripts/migrate.ts scripts/create-topics.ts scripts/
COPY core core
COPY sinks sinks
COPY hub hub
COPY connectors/store-agent connectors/store-agent
COPY config config
RUN bash scripts/build

# Run: dependencies only (better-sqlite3 compiles here, hence the toolchain of the build stage is
# not needed at run time), and dist/.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && npm ci --omit=dev --no-audit --no-fund \
  && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* /root/.npm
COPY --from=build /src/dist dist
ENV NODE_ENV=production HTTP_HOST=0.0.0.0
USER node
# HEALTH_PORT: the service's HTTP port (compose sets it per service); /health answers 200 when
# its dependencies do.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/hub/api/main.js"]
