// Reads back, with the official Azure SDKs, what Shiming's own clients wrote, and prints it as JSON.
// Input: one JSON argument {connectionString, table, partitionKey, rowKey, queue, container, blob}.
import { TableClient, odata } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";
import { BlobServiceClient, StorageSharedKeyCredential, newPipeline } from "@azure/storage-blob";

const input = JSON.parse(process.argv[2]);

const tables = TableClient.fromConnectionString(input.connectionString, input.table, { allowInsecureConnection: true });
// Type conversion off: every property comes back as {value, type}, so the stored EDM types are visible.
// The raw body is kept too: the SDK infers Int32 for any un-annotated whole JSON number, so it reports a
// stored 2.0 as Int32; the literal as the service wrote it tells the stored type.
let rawEntity = "";
const entity = await tables.getEntity(input.partitionKey, input.rowKey, {
  disableTypeConversion: true,
  onResponse: (response) => {
    rawEntity = response.bodyAsText;
  },
});
const queried = [];
for await (const found of tables.listEntities({
  queryOptions: { filter: odata`PartitionKey eq ${input.partitionKey} and RowKey eq ${input.rowKey}` },
})) {
  queried.push({ partitionKey: found.partitionKey, rowKey: found.rowKey });
}

const queue = new QueueClient(input.connectionString, input.queue);
const peeked = await queue.peekMessages({ numberOfMessages: 32 });
// Shiming sends Base64 text, as the Functions queue trigger expects; the SDK hands it over undecoded.
const messages = peeked.peekedMessageItems.map((m) => ({
  wire: m.messageText,
  text: Buffer.from(m.messageText, "base64").toString("utf8"),
}));

const settings = Object.fromEntries(
  input.connectionString.split(";").filter(Boolean).map((part) => {
    const at = part.indexOf("=");
    return [part.slice(0, at), part.slice(at + 1)];
  }),
);
const pipeline = newPipeline(new StorageSharedKeyCredential(settings.AccountName, settings.AccountKey));
// This release of the Blob SDK speaks a service version newer than the emulator knows; pin one that both
// know. The policy runs before signing, so the signature covers the pinned version.
pipeline.factories.push({
  create: (next) => ({
    sendRequest: (request) => {
      request.headers.set("x-ms-version", "2025-01-05");
      return next.sendRequest(request);
    },
  }),
});
const blobs = new BlobServiceClient(settings.BlobEndpoint, pipeline);
const blob = blobs.getContainerClient(input.container).getBlobClient(input.blob);
const properties = await blob.getProperties();
const content = await blob.downloadToBuffer();

process.stdout.write(JSON.stringify({
  entity,
  wholeDoubleAsSent: {
    literal: rawEntity.match(/"WholeDouble":([^,}]+)/)?.[1] ?? null,
    type: rawEntity.match(/"WholeDouble@odata\.type":"([^"]+)"/)?.[1] ?? null,
  },
  queried,
  messages,
  blob: { base64: content.toString("base64"), contentType: properties.contentType, etag: properties.etag },
}));
