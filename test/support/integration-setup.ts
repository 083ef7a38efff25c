// Integration tests wait on real services (Debezium, Connect's validation round trip).
jest.setTimeout(60_000);
