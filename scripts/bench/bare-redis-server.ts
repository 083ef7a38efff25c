/**
 * The bare limit for the query API: express + ioredis, one HGETALL per request and a JSON
 * answer, nothing else (no auth, no validation, no fallback). BARE_PORT, REDIS_URL.
 */
import express from 'express';
import Redis from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const app = express();
app.get('/health', (_req, res) => res.send('ok'));
app.get('/v1/stock/:sku', async (req, res) => {
  res.json(await redis.hgetall(`stock:${req.params.sku}`));
});
app.listen(Number(process.env.BARE_PORT ?? 18190), '127.0.0.1');
