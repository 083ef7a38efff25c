import type { Admin, Kafka } from 'kafkajs';

/**
 * One admin connection for the life of the API, connected on first use: a dashboard refresh
 * must not cost a new TCP connection and metadata round trip, and the API must start even when
 * Kafka is down. A failed connect is forgotten so the next refresh tries again.
 */
export class SharedAdmin {
  private admin: Admin | null = null;
  private connecting: Promise<Admin> | null = null;

  constructor(private readonly kafka: Kafka) {}

  get(): Promise<Admin> {
    if (this.connecting !== null) return this.connecting;
    // Few retries: the dashboard asks again in two seconds anyway, and an answer late is no answer.
    const admin = this.kafka.admin({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 } });
    this.admin = admin;
    this.connecting = admin.connect().then(
      () => admin,
      (error: unknown) => {
        this.connecting = null;
        this.admin = null;
        throw error;
      },
    );
    return this.connecting;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    this.connecting = null;
    await admin?.disconnect();
  }
}
