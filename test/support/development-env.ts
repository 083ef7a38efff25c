/**
 * Every test runs as a development machine (core/config/environment.ts): the services it starts
 * inherit STOCKHUB_ENV and take config/stack.env's values. Tests of production behaviour pass
 * an environment of their own.
 */
import { DEVELOPMENT } from '../../core/config/environment';

process.env.STOCKHUB_ENV ??= DEVELOPMENT;
