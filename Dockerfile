# syntax=docker/dockerfile:1
# llmaas: one image for the API gateway and the console. Build: docker build -t llmaas .
# Run: docker run -p 3000:3000 -e DATABASE_URL=... -e AUTH_SECRET=... -e LLMAAS_SECRET_KEY=... llmaas

# Every dependency, to build the console and compile the server.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build && rm -rf .next/cache && node scripts/build-server.mjs

# Production dependencies only (no compiler, no test tools; tsx stays for the admin CLI).
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LLMAAS_DATA_DIR=/data
WORKDIR /app
RUN mkdir -p /data && chown node:node /data
COPY --chown=node:node . .
COPY --from=build --chown=node:node /app/.next ./.next
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
USER node
EXPOSE 3000
# Ready when the database answers; the same URL serves Kubernetes' probes.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs once the console is built and the server compiled: both are in the image already.
CMD ["node", "dist/server.js"]
