// Writes, with the official Azure SDKs, an entity of every property type and a queue message, for
// Shiming's own clients to read back. Input: one JSON argument
// {connectionString, table, partitionKey, rowKey, queue, messageText, guid}.
import { TableClient } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";

const input = JSON.parse(process.argv[2]);

const tables = TableClient.fromConnectionString(input.connectionString, input.table, { allowInsecureConnection: true });
await tables.createTable();
await tables.createEntity({
  partitionKey: input.partitionKey,
  rowKey: input.rowKey,
  Text: "js: 中文 'quoted'",
  Int: 42,
  Long: { value: "9007199254740993", type: "Int64" },
  WholeDouble: { value: "2", type: "Double" },
  Double: 0.25,
  Flag: true,
  When: { value: "2024-02-29T12:34:56.1234567Z", type: "DateTime" },
  Id: { value: input.guid, type: "Guid" },
  Bytes: new Uint8Array([0, 1, 254, 255]),
});

const queue = new QueueClient(input.connectionString, input.queue);
await queue.createIfNotExists();
await queue.sendMessage(Buffer.from(input.messageText, "utf8").toString("base64"));

process.stdout.write(JSON.stringify({ written: true }));
