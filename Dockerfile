# RconDeck production image (the deployment example in compose.yaml runs three of these).
# Build: docker build -t rcondeck .   Run: see compose.yaml and README "Running several instances".
# Stage 1 installs everything and builds (Next + the server); stage 2 keeps only what `npm run serve`
# needs: production dependencies, dist/, .next/, the Prisma migrations and the Node options file.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
# better-sqlite3 falls back to compiling when no prebuilt addon matches.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install scripts only for the packages package.json "allowScripts" allows (the Prisma engines
# download is not needed: the schema engine is WebAssembly and the clients are generated here).
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
COPY --from=build /app/package.json /app/next.config.js ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.next ./.next
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts/server-node-options /app/scripts/server-env ./scripts/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec: node is PID 1 and receives SIGTERM itself (a graceful stop hands its game servers over).
CMD ["sh", "-c", "exec env $(grep -v '^#' scripts/server-env) node $(grep -v '^#' scripts/server-node-options) dist/server/index.js"]
