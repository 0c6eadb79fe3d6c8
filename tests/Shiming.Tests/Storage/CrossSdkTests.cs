using System.Diagnostics;
using System.Text.Json;
using Shiming.Storage;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Storage;

/// <summary>
/// Shiming's clients against the official Azure SDKs (JavaScript, run with node): each side reads what the other
/// wrote, so a mistake shared by our writer and our reader cannot hide.
/// </summary>
[TestClass]
public sealed class CrossSdkTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task OfficialSdksReadWhatShimingWrote()
    {
        var azurite = await Azurite.GetSharedAsync();
        var account = StorageAccount.FromConnectionString(azurite.ConnectionString);
        var table = account.GetTableClient(StorageTestSupport.UniqueName("x"));
        var queue = account.GetQueueClient(StorageTestSupport.UniqueName("x"));
        var container = account.GetBlobContainerClient(StorageTestSupport.UniqueName("x"));
        await table.CreateIfNotExistsAsync(Ct);
        await queue.CreateIfNotExistsAsync(Ct);
        await container.CreateIfNotExistsAsync(Ct);

        const string PartitionKey = "O'Brien & 100% + 中文";
        const string RowKey = "a=b 'c'";
        var id = Guid.NewGuid();
        var when = new DateTimeOffset(2024, 2, 29, 12, 34, 56, TimeSpan.Zero).AddTicks(1234567);
        await table.AddEntityAsync(
            new TableEntity(PartitionKey, RowKey)
            {
                ["Text"] = "héllo 'world'",
                ["Int"] = 42,
                ["Long"] = 9007199254740993L,
                ["WholeDouble"] = 2.0,
                ["Double"] = 0.1,
                ["Flag"] = true,
                ["When"] = when,
                ["Id"] = id,
                ["Bytes"] = new byte[] { 0, 1, 254, 255 },
            },
            Ct);
        const string Json = "{\"job\":\"ocr\",\"name\":\"王小明\",\"n\":1}";
        const string Plain = "plain ünïcode ✓";
        await queue.SendMessageAsync(Json, cancellationToken: Ct);
        await queue.SendMessageAsync(Plain, cancellationToken: Ct);
        var etag = await container.UploadAsync("dir/card 1.jpg", BinaryData.FromBytes([0xFF, 0xD8, 0xFF, 0x00]), "image/jpeg", Ct);

        using var result = await RunNodeAsync("read-back.mjs", new
        {
            connectionString = azurite.ConnectionString,
            table = table.Name,
            partitionKey = PartitionKey,
            rowKey = RowKey,
            queue = queue.Name,
            container = container.Name,
            blob = "dir/card 1.jpg",
        });
        var root = result.RootElement;

        var entity = root.GetProperty("entity");
        Assert.AreEqual(PartitionKey, entity.GetProperty("partitionKey").GetString());
        Assert.AreEqual(RowKey, entity.GetProperty("rowKey").GetString());
        AssertTyped(entity, "Text", "String", "héllo 'world'");
        AssertTyped(entity, "Int", "Int32", "42");
        AssertTyped(entity, "Long", "Int64", "9007199254740993");
        var wholeDouble = root.GetProperty("wholeDoubleAsSent");
        Assert.IsTrue(
            wholeDouble.GetProperty("type").GetString() == "Edm.Double" || wholeDouble.GetProperty("literal").GetString()!.Contains('.', StringComparison.Ordinal),
            $"a whole double must be stored as Edm.Double, the service returned {wholeDouble}");
        AssertTyped(entity, "Double", "Double", "0.1");
        AssertTyped(entity, "Flag", "Boolean", "true");
        AssertTyped(entity, "When", "DateTime", "2024-02-29T12:34:56.1234567Z");
        AssertTyped(entity, "Id", "Guid", id.ToString());
        AssertTyped(entity, "Bytes", "Binary", "AAH+/w==");
        var queried = root.GetProperty("queried").EnumerateArray().ToList();
        Assert.HasCount(1, queried);
        Assert.AreEqual(RowKey, queried[0].GetProperty("rowKey").GetString());

        var messages = root.GetProperty("messages").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { Json, Plain }, messages.Select(m => m.GetProperty("text").GetString()).ToArray());
        Assert.AreEqual(QueueClient.Encode(Json), messages[0].GetProperty("wire").GetString());

        var blob = root.GetProperty("blob");
        Assert.AreEqual("/9j/AA==", blob.GetProperty("base64").GetString());
        Assert.AreEqual("image/jpeg", blob.GetProperty("contentType").GetString());
        Assert.AreEqual(etag.ToString("H"), blob.GetProperty("etag").GetString());
    }

    [TestMethod]
    public async Task ShimingReadsWhatTheOfficialSdksWrote()
    {
        var azurite = await Azurite.GetSharedAsync();
        var account = StorageAccount.FromConnectionString(azurite.ConnectionString);
        var table = account.GetTableClient(StorageTestSupport.UniqueName("y"));
        var queue = account.GetQueueClient(StorageTestSupport.UniqueName("y"));
        const string PartitionKey = "js 'key' %2F & +";
        const string RowKey = "ключ=1";
        const string MessageText = "{\"from\":\"js\",\"text\":\"中文 ✓\"}";
        var id = Guid.NewGuid();

        using var _ = await RunNodeAsync("write.mjs", new
        {
            connectionString = azurite.ConnectionString,
            table = table.Name,
            partitionKey = PartitionKey,
            rowKey = RowKey,
            queue = queue.Name,
            messageText = MessageText,
            guid = id.ToString(),
        });

        var entity = await table.GetEntityAsync(PartitionKey, RowKey, Ct);
        Assert.IsNotNull(entity);
        Assert.AreEqual("js: 中文 'quoted'", entity["Text"]);
        Assert.AreEqual(42, entity["Int"]);
        Assert.AreEqual(9007199254740993L, entity["Long"]);
        Assert.AreEqual(2.0, entity["WholeDouble"]);
        Assert.IsInstanceOfType<double>(entity["WholeDouble"]);
        Assert.AreEqual(0.25, entity["Double"]);
        Assert.AreEqual(true, entity["Flag"]);
        Assert.AreEqual(new DateTimeOffset(2024, 2, 29, 12, 34, 56, TimeSpan.Zero).AddTicks(1234567), entity["When"]);
        Assert.AreEqual(id, entity["Id"]);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 254, 255 }, (byte[])entity["Bytes"]!);
        var queried = await table.QueryAsync(TableClient.CreateQueryFilter($"RowKey eq {RowKey}"), cancellationToken: Ct).ToListAsync(Ct);
        Assert.AreEqual(PartitionKey, queried.Single().PartitionKey);

        var message = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), Ct)).Single();
        Assert.AreEqual(MessageText, message.MessageText);
        Assert.IsTrue(await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct));
    }

    private static void AssertTyped(JsonElement entity, string name, string type, string value)
    {
        var property = entity.GetProperty(name);
        Assert.AreEqual(type, property.GetProperty("type").GetString(), name);
        Assert.AreEqual(value, property.GetProperty("value").ValueKind == JsonValueKind.String
            ? property.GetProperty("value").GetString()
            : property.GetProperty("value").GetRawText(), name);
    }

    private async Task<JsonDocument> RunNodeAsync(string script, object input)
    {
        var path = Path.Combine(Repository.Root, "tests", "Shiming.Tests", "Storage", "npm", script);
        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        startInfo.ArgumentList.Add(path);
        startInfo.ArgumentList.Add(JsonSerializer.Serialize(input));
        startInfo.Environment["AZURE_LOG_LEVEL"] = "";

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        Assert.AreEqual(0, process.ExitCode, $"{script} failed:\n{await stderr}\n{output}");
        return JsonDocument.Parse(output);
    }
}
