using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Shiming.Storage;

namespace Shiming.Tests.Storage;

/// <summary>What goes on the wire: authentication, signing, retries, paging tokens and error parsing, seen through a scripted transport.</summary>
[TestClass]
public sealed class PipelineTests
{
    private const string Key = "a2V5LWZvci10ZXN0cy1vbmx5LW5vdC1hLXNlY3JldA==";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    private static StorageClientOptions Options(RecordingTransport transport)
    {
        var options = new StorageClientOptions { Transport = transport };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxRetries = 2;
        return options;
    }

    private static StubResponse Answer(RecordedRequest request) => request.Uri.Host.Split('.')[1] switch
    {
        "blob" => new StubResponse(200, "hello", ("Content-Type", "text/plain"), ("ETag", "\"0x1\"")),
        "queue" => new StubResponse(200, "", ("x-ms-approximate-messages-count", "3")),
        "table" => new StubResponse(200, """{"PartitionKey":"p","RowKey":"r","V":1}""", ("ETag", "W/\"x\"")),
        _ => new StubResponse(500),
    };

    private static void AssertBearer(IReadOnlyList<RecordedRequest> requests, FakeTokenCredential credential)
    {
        Assert.HasCount(3, requests);
        foreach (var request in requests)
        {
            Assert.AreEqual("Bearer the-token", request.Headers["Authorization"], request.Uri.ToString());
            Assert.IsTrue(string.CompareOrdinal(request.Headers["x-ms-version"], "2017-11-09") >= 0, "bearer tokens need 2017-11-09 or later");
            Assert.IsTrue(request.Headers.ContainsKey("x-ms-date"));
        }

        Assert.IsNotEmpty(credential.RequestedScopes);
        Assert.IsTrue(credential.RequestedScopes.All(s => s.SequenceEqual(["https://storage.azure.com/.default"])));
    }

    private async Task CallEachServiceAsync(StorageAccount account)
    {
        Assert.AreEqual("hello", (await account.GetBlobContainerClient("photos").DownloadAsync("a.txt", Ct))!.Content.ToString());
        Assert.AreEqual(3, await account.GetQueueClient("jobs").GetApproximateMessageCountAsync(Ct));
        Assert.AreEqual(1, (await account.GetTableClient("people").GetEntityAsync("p", "r", Ct))!["V"]);
    }

    [TestMethod]
    public async Task IdentityAccountSendsABearerTokenForTheStorageScopeToEveryService()
    {
        var transport = new RecordingTransport((r, _) => Answer(r));
        var credential = new FakeTokenCredential("the-token");
        var account = StorageAccount.FromIdentity(
            new Uri("https://acct.blob.core.windows.net"),
            new Uri("https://acct.queue.core.windows.net"),
            new Uri("https://acct.table.core.windows.net"),
            credential,
            Options(transport));

        await CallEachServiceAsync(account);

        Assert.AreEqual("acct", account.AccountName);
        AssertBearer(transport.Requests, credential);
    }

    [TestMethod]
    public async Task IdentitySettingsInConfigurationUseTheBearerPathWithTheGivenCredential()
    {
        var transport = new RecordingTransport((r, _) => Answer(r));
        var credential = new FakeTokenCredential("the-token");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage:accountName"] = "acct" })
            .Build();

        var account = StorageAccount.FromConfiguration(configuration, credential: credential, options: Options(transport));
        await CallEachServiceAsync(account);

        AssertBearer(transport.Requests, credential);
        Assert.AreEqual("https://acct.blob.core.windows.net/photos/a.txt", transport.Requests[0].Uri.ToString());
        Assert.AreEqual("https://acct.queue.core.windows.net/jobs?comp=metadata", transport.Requests[1].Uri.ToString());
        Assert.AreEqual("https://acct.table.core.windows.net/people(PartitionKey='p',RowKey='r')", transport.Requests[2].Uri.ToString());
    }

    [TestMethod]
    public async Task SharedKeySignsContentLengthFromTheBodyAndResignsEachRetryWithAFreshDate()
    {
        var transport = new RecordingTransport((_, attempt) => attempt == 1
            ? new StubResponse(503, "<Error><Code>ServerBusy</Code></Error>")
            : new StubResponse(201, "", ("ETag", "\"0x2\"")));
        var clock = new SteppingTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), TimeSpan.FromMinutes(1));
        var account = StorageAccount.FromConnectionString(
            $"AccountName=acct;AccountKey={Key};EndpointSuffix=core.windows.net", Options(transport), clock);

        var etag = await account.GetBlobContainerClient("photos").UploadAsync("dir/a b.txt", BinaryData.FromString("hello"), "text/plain", Ct);

        Assert.AreEqual(new ETag("\"0x2\""), etag);
        var attempts = transport.Requests;
        Assert.HasCount(2, attempts);
        Assert.AreNotEqual(attempts[0].Headers["x-ms-date"], attempts[1].Headers["x-ms-date"]);
        foreach (var attempt in attempts)
        {
            var stringToSign =
                "PUT\n\n\n5\n\n\n\n\n\n\n\n\n" +
                "x-ms-blob-content-type:text/plain\n" +
                "x-ms-blob-type:BlockBlob\n" +
                $"x-ms-client-request-id:{attempt.Headers["x-ms-client-request-id"]}\n" +
                $"x-ms-date:{attempt.Headers["x-ms-date"]}\n" +
                "x-ms-return-client-request-id:true\n" +
                "x-ms-version:2025-01-05\n" +
                "/acct/photos/dir/a%20b.txt";
            Assert.AreEqual($"SharedKey acct:{Sign(stringToSign)}", attempt.Headers["Authorization"]);
            Assert.IsFalse(attempt.Headers.ContainsKey("Content-Length"), "the transport, not the pipeline, sets Content-Length");
        }
    }

    [TestMethod]
    public async Task SharedKeySignsAnEmptyContentLengthAndDecodedQueryParameters()
    {
        var transport = new RecordingTransport((_, _) => new StubResponse(204));
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}", Options(transport));

        await account.GetQueueClient("jobs").DeleteMessageAsync("id-1", "pop+receipt/==", Ct);

        var request = transport.Requests.Single();
        Assert.AreEqual("/jobs/messages/id-1?popreceipt=pop%2Breceipt%2F%3D%3D", request.Uri.PathAndQuery);
        var stringToSign =
            "DELETE\n\n\n\n\n\n\n\n\n\n\n\n" +
            $"x-ms-client-request-id:{request.Headers["x-ms-client-request-id"]}\n" +
            $"x-ms-date:{request.Headers["x-ms-date"]}\n" +
            "x-ms-return-client-request-id:true\n" +
            "x-ms-version:2025-01-05\n" +
            "/acct/jobs/messages/id-1\npopreceipt:pop+receipt/==";
        Assert.AreEqual($"SharedKey acct:{Sign(stringToSign)}", request.Headers["Authorization"]);
    }

    [TestMethod]
    public async Task SharedKeyLiteSignsTheEncodedEntityPathAndResignsEachRetry()
    {
        var transport = new RecordingTransport((_, attempt) => attempt == 1
            ? new StubResponse(500)
            : new StubResponse(204, "", ("ETag", "W/\"datetime'2030'\"")));
        var clock = new SteppingTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), TimeSpan.FromMinutes(1));
        var account = StorageAccount.FromConnectionString(
            $"AccountName=acct;AccountKey={Key};TableEndpoint=http://127.0.0.1:1/acct", Options(transport), clock);

        await account.GetTableClient("people").UpsertEntityAsync(new TableEntity("O'Brien", "a b%"), cancellationToken: Ct);

        var attempts = transport.Requests;
        Assert.HasCount(2, attempts);
        Assert.AreNotEqual(attempts[0].Headers["Authorization"], attempts[1].Headers["Authorization"]);
        foreach (var attempt in attempts)
        {
            const string Path = "/acct/people(PartitionKey='O%27%27Brien',RowKey='a%20b%25')";
            Assert.AreEqual(Path, attempt.Uri.AbsolutePath);
            Assert.AreEqual($"SharedKeyLite acct:{Sign($"{attempt.Headers["x-ms-date"]}\n/acct{Path}")}", attempt.Headers["Authorization"]);
            Assert.AreEqual("application/json;odata=minimalmetadata", attempt.Headers["Accept"]);
            Assert.AreEqual("3.0;NetFx", attempt.Headers["DataServiceVersion"]);
            Assert.AreEqual("3.0;NetFx", attempt.Headers["MaxDataServiceVersion"]);
            Assert.AreEqual("2019-02-02", attempt.Headers["x-ms-version"]);
            Assert.IsFalse(attempt.Headers.ContainsKey("If-Match"), "an upsert has no If-Match");
        }
    }

    [TestMethod]
    public async Task EntityBodyAnnotatesTypesJsonCannotCarry()
    {
        var transport = new RecordingTransport((_, _) => new StubResponse(204, "", ("ETag", "W/\"x\"")));
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}", Options(transport));
        var entity = new TableEntity("p", "r")
        {
            ["S"] = "s", ["I"] = 1, ["L"] = 2L, ["D"] = 3.0, ["B"] = true,
            ["T"] = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(7),
            ["G"] = Guid.Empty, ["X"] = new byte[] { 1, 2 }, ["N"] = null,
        };

        await account.GetTableClient("people").AddEntityAsync(entity, Ct);

        var body = Encoding.UTF8.GetString(transport.Requests.Single().Body);
        Assert.AreEqual(
            """{"PartitionKey":"p","RowKey":"r","S":"s","I":1,"L@odata.type":"Edm.Int64","L":"2","D@odata.type":"Edm.Double","D":3,"B":true,"T@odata.type":"Edm.DateTime","T":"2024-01-02T01:04:05.0000007Z","G@odata.type":"Edm.Guid","G":"00000000-0000-0000-0000-000000000000","X@odata.type":"Edm.Binary","X":"AQI="}""",
            body);
        Assert.AreEqual("return-no-content", transport.Requests[0].Headers["Prefer"]);
    }

    [TestMethod]
    public async Task QueryContinuesThroughEmptyPagesAndPartialTokensRepeatingTheQuery()
    {
        var transport = new RecordingTransport((_, attempt) => attempt switch
        {
            1 => new StubResponse(200, """{"value":[]}""", ("x-ms-continuation-NextPartitionKey", "a+b/c="), ("x-ms-continuation-NextRowKey", "r 1")),
            2 => new StubResponse(200, """{"value":[{"odata.etag":"W/\"1\"","PartitionKey":"p","RowKey":"1"}]}""", ("x-ms-continuation-NextPartitionKey", "q")),
            _ => new StubResponse(200, """{"odata.metadata":"m","value":[{"odata.etag":"W/\"2\"","PartitionKey":"q","RowKey":"2","V@odata.type":"Edm.Int64","V":"5"}]}"""),
        });
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}", Options(transport));

        var entities = await account.GetTableClient("people")
            .QueryAsync("V ge 1L", maxPerPage: 7, select: ["V", "W"], cancellationToken: Ct)
            .ToListAsync(Ct);

        CollectionAssert.AreEqual(new[] { "1", "2" }, entities.Select(e => e.RowKey).ToArray());
        Assert.AreEqual(new ETag("W/\"2\""), entities[1].ETag);
        Assert.AreEqual(5L, entities[1]["V"]);
        var queries = transport.Requests.Select(r => r.Uri.Query).ToList();
        Assert.HasCount(3, queries);
        const string Repeated = "?$filter=V%20ge%201L&$top=7&$select=V%2CW";
        Assert.AreEqual(Repeated, queries[0]);
        Assert.AreEqual(Repeated + "&NextPartitionKey=a%2Bb%2Fc%3D&NextRowKey=r%201", queries[1]);
        Assert.AreEqual(Repeated + "&NextPartitionKey=q", queries[2]);
    }

    [TestMethod]
    [DataRow("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InternalError</Code><Message>boom</Message></Error>", "InternalError")]
    [DataRow("{\"odata.error\":{\"code\":\"OutOfRangeInput\",\"message\":{\"lang\":\"en-US\",\"value\":\"boom\"}}}", "OutOfRangeInput")]
    [DataRow("not a documented error body", null)]
    public async Task ErrorCodeComesFromTheBodyWhenTheHeaderIsMissing(string body, string? code)
    {
        var transport = new RecordingTransport((_, _) => new StubResponse(400, body));
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}", Options(transport));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => account.GetTableClient("people").GetEntityAsync("p", "r", Ct));

        Assert.AreEqual(400, error.Status);
        Assert.AreEqual(code, error.ErrorCode);
    }

    [TestMethod]
    public async Task ErrorCodeHeaderWinsOverTheBody()
    {
        var transport = new RecordingTransport((_, _) =>
            new StubResponse(403, "<Error><Code>FromBody</Code></Error>", ("x-ms-error-code", "AuthorizationFailure")));
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}", Options(transport));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => account.GetQueueClient("jobs").GetApproximateMessageCountAsync(Ct));

        Assert.AreEqual(403, error.Status);
        Assert.AreEqual("AuthorizationFailure", error.ErrorCode);
        Assert.DoesNotContain(Key, error.Message);
    }

    [TestMethod]
    public async Task NotFoundWithAnUnexpectedCodeIsNotMistakenForAMissingBlob()
    {
        var transport = new RecordingTransport((_, _) => new StubResponse(404, "", ("x-ms-error-code", "ResourceNotFound")));
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}", Options(transport));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => account.GetBlobContainerClient("photos").DownloadAsync("a", Ct));

        Assert.AreEqual("ResourceNotFound", error.ErrorCode);
    }

    [TestMethod]
    public async Task XmlAnswersThatStartWithAByteOrderMarkAreRead()
    {
        // Azure Storage starts its XML bodies with a UTF-8 byte order mark (Azurite does not).
        const string Bom = "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>";
        const string When = "Tue, 24 Nov 2026 08:00:00 GMT";
        var transport = new RecordingTransport((request, _) => (request.Uri.Host.Split('.')[1], request.Method) switch
        {
            ("queue", "POST") => new StubResponse(201, Bom + $"<QueueMessagesList><QueueMessage><MessageId>m1</MessageId><InsertionTime>{When}</InsertionTime><ExpirationTime>{When}</ExpirationTime><PopReceipt>p1</PopReceipt><TimeNextVisible>{When}</TimeNextVisible></QueueMessage></QueueMessagesList>"),
            ("queue", _) => new StubResponse(200, Bom + $"<QueueMessagesList><QueueMessage><MessageId>m1</MessageId><InsertionTime>{When}</InsertionTime><ExpirationTime>{When}</ExpirationTime><PopReceipt>p2</PopReceipt><TimeNextVisible>{When}</TimeNextVisible><DequeueCount>1</DequeueCount><MessageText>{QueueClient.Encode("hello")}</MessageText></QueueMessage></QueueMessagesList>"),
            _ => new StubResponse(200, Bom + $"<EnumerationResults ContainerName=\"photos\"><Blobs><Blob><Name>a.jpg</Name><Properties><Last-Modified>{When}</Last-Modified><Content-Length>4</Content-Length></Properties></Blob></Blobs><NextMarker /></EnumerationResults>"),
        });
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}", Options(transport));
        var queue = account.GetQueueClient("jobs");

        var sent = await queue.SendMessageAsync("hello", cancellationToken: Ct);
        var received = await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(1), Ct);
        var listed = await account.GetBlobContainerClient("photos").GetBlobsAsync(cancellationToken: Ct).ToListAsync(Ct);

        Assert.AreEqual("p1", sent.PopReceipt);
        Assert.AreEqual("hello", received.Single().MessageText);
        Assert.AreEqual("a.jpg", listed.Single().Name);
        Assert.AreEqual(4, listed.Single().ContentLength);
    }

    [TestMethod]
    public async Task AMessageNotInBase64ComesBackAsStoredWithoutHidingTheRestOfItsBatch()
    {
        const string When = "Tue, 24 Nov 2026 08:00:00 GMT";
        string Message(string id, string text) =>
            $"<QueueMessage><MessageId>{id}</MessageId><InsertionTime>{When}</InsertionTime><ExpirationTime>{When}</ExpirationTime><PopReceipt>r-{id}</PopReceipt><TimeNextVisible>{When}</TimeNextVisible><DequeueCount>1</DequeueCount><MessageText>{text}</MessageText></QueueMessage>";
        var transport = new RecordingTransport((_, _) => new StubResponse(200,
            "<QueueMessagesList>" + Message("a", QueueClient.Encode("{\"n\":1}")) + Message("b", "plain text, not Base64!") + Message("c", QueueClient.Encode("{\"n\":3}")) + "</QueueMessagesList>"));
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}", Options(transport));

        var received = await account.GetQueueClient("jobs").ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), Ct);

        CollectionAssert.AreEqual(new[] { "{\"n\":1}", "plain text, not Base64!", "{\"n\":3}" }, received.Select(m => m.MessageText).ToArray());
        Assert.AreEqual("r-b", received[1].PopReceipt);
    }

    private static string Sign(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(Key), Encoding.UTF8.GetBytes(stringToSign)));
}
