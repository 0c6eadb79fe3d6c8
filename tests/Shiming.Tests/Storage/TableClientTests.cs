using Azure;
using Shiming.Storage;

namespace Shiming.Tests.Storage;

[TestClass]
public sealed class TableClientTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    public static IEnumerable<object[]> AwkwardKeys =>
    [
        ["O'Brien", "it''s"],
        ["two  spaces ", " lead"],
        ["100%", "%27%2F%25"],
        ["a+b", "c&d=e"],
        ["中文 ключ é", "🚀"],
        ["'", "''"],
        ["", "empty-partition"],
    ];

    private static async Task<TableClient> NewTableAsync(StorageAccount? account = null)
    {
        account ??= await StorageTestSupport.AzuriteAccountAsync();
        var table = account.GetTableClient(StorageTestSupport.UniqueName("t"));
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [TestMethod]
    public async Task CreateIfNotExistsTwiceSucceedsAndKeepsEntities()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"), Ct);

        await table.CreateIfNotExistsAsync(Ct);

        Assert.IsNotNull(await table.GetEntityAsync("p", "r", Ct));
    }

    [TestMethod]
    public async Task EveryPropertyTypeRoundTripsWithItsType()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.FromHours(8)).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("p", "r")
        {
            ["Text"] = "héllo 'world' \"q\" \n line",
            ["EmptyText"] = "",
            ["Int"] = -42,
            ["IntMax"] = int.MaxValue,
            ["Long"] = 9007199254740993L,
            ["SmallLong"] = 7L,
            ["WholeDouble"] = 2.0,
            ["Double"] = 0.1 + 0.2,
            ["TinyDouble"] = double.Epsilon,
            ["True"] = true,
            ["False"] = false,
            ["When"] = when,
            ["UtcDateTime"] = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            ["UnspecifiedDateTime"] = new DateTime(2002, 2, 2, 2, 2, 2, DateTimeKind.Unspecified),
            ["Guid"] = id,
            ["Bytes"] = new byte[] { 0, 1, 2, 254, 255 },
            ["BinaryData"] = BinaryData.FromBytes([9, 8, 7]),
            ["Missing"] = null,
            ["name"] = "lower",
            ["Name"] = "upper",
        };

        var etag = await table.AddEntityAsync(entity, Ct);
        var read = await table.GetEntityAsync("p", "r", Ct);

        Assert.IsNotNull(read);
        Assert.AreEqual(etag, read.ETag);
        Assert.IsNotNull(read.Timestamp);
        Assert.AreEqual("p", read.PartitionKey);
        Assert.AreEqual("r", read.RowKey);
        Assert.AreEqual("héllo 'world' \"q\" \n line", read["Text"]);
        Assert.AreEqual("", read["EmptyText"]);
        Assert.AreEqual(-42, read["Int"]);
        Assert.AreEqual(int.MaxValue, read["IntMax"]);
        Assert.AreEqual(9007199254740993L, read["Long"]);
        Assert.AreEqual(7L, read["SmallLong"]);
        Assert.AreEqual(2.0, read["WholeDouble"]);
        Assert.AreEqual(0.1 + 0.2, read["Double"]);
        Assert.AreEqual(double.Epsilon, read["TinyDouble"]);
        Assert.AreEqual(true, read["True"]);
        Assert.AreEqual(false, read["False"]);
        Assert.AreEqual(when, read["When"]);
        Assert.AreEqual(when.UtcTicks, ((DateTimeOffset)read["When"]!).UtcTicks);
        Assert.AreEqual(TimeSpan.Zero, ((DateTimeOffset)read["When"]!).Offset);
        Assert.AreEqual(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero), read["UtcDateTime"]);
        Assert.AreEqual(new DateTimeOffset(2002, 2, 2, 2, 2, 2, TimeSpan.Zero), read["UnspecifiedDateTime"]);
        Assert.AreEqual(id, read["Guid"]);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 2, 254, 255 }, (byte[])read["Bytes"]!);
        CollectionAssert.AreEqual(new byte[] { 9, 8, 7 }, (byte[])read["BinaryData"]!);
        Assert.AreEqual("lower", read["name"]);
        Assert.AreEqual("upper", read["Name"]);
        Assert.IsFalse(read.ContainsKey("Missing"));
        Assert.IsInstanceOfType<long>(read["SmallLong"]);
        Assert.IsInstanceOfType<double>(read["WholeDouble"]);
        Assert.IsInstanceOfType<int>(read["Int"]);
        Assert.HasCount(entity.Count - 1, read);
    }

    [TestMethod]
    public async Task TypedGettersReadWhatTheServiceReturned()
    {
        var table = await NewTableAsync();
        var when = DateTimeOffset.UtcNow;
        var id = Guid.NewGuid();
        await table.AddEntityAsync(
            new TableEntity("p", "r")
            {
                ["S"] = "s", ["I"] = 1, ["L"] = long.MinValue, ["D"] = 1.5, ["B"] = true, ["T"] = when, ["G"] = id, ["X"] = new byte[] { 1 },
            },
            Ct);

        var read = (await table.GetEntityAsync("p", "r", Ct))!;

        Assert.AreEqual("s", read.GetString("S"));
        Assert.AreEqual(1, read.GetInt32("I"));
        Assert.AreEqual(1L, read.GetInt64("I"));
        Assert.AreEqual(long.MinValue, read.GetInt64("L"));
        Assert.AreEqual(1.5, read.GetDouble("D"));
        Assert.AreEqual(true, read.GetBoolean("B"));
        Assert.AreEqual(when, read.GetDateTimeOffset("T"));
        Assert.AreEqual(id, read.GetGuid("G"));
        CollectionAssert.AreEqual(new byte[] { 1 }, read.GetBinary("X")!.ToArray());
        Assert.IsNull(read.GetString("Absent"));
        Assert.ThrowsExactly<InvalidOperationException>(() => read.GetInt32("L"));
    }

    [TestMethod]
    public async Task AddingAnExistingEntityFailsWith409()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 }, Ct);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 2 }, Ct));

        Assert.AreEqual(409, error.Status);
        Assert.AreEqual("EntityAlreadyExists", error.ErrorCode);
        Assert.AreEqual(1, (await table.GetEntityAsync("p", "r", Ct))!["V"]);
    }

    [TestMethod]
    public async Task AddingToAMissingTableFailsWithTableNotFound()
    {
        var account = await StorageTestSupport.AzuriteAccountAsync();
        var table = account.GetTableClient(StorageTestSupport.UniqueName("none"));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r"), Ct));

        Assert.AreEqual(404, error.Status);
        Assert.AreEqual("TableNotFound", error.ErrorCode);
    }

    [TestMethod]
    public async Task GetOfMissingEntityReturnsNull()
    {
        var table = await NewTableAsync();

        Assert.IsNull(await table.GetEntityAsync("p", "nope", Ct));
    }

    [TestMethod]
    public async Task UpsertInsertsWhenMissing()
    {
        var table = await NewTableAsync();

        var replaceEtag = await table.UpsertEntityAsync(new TableEntity("p", "replace") { ["A"] = 1 }, TableUpdateMode.Replace, Ct);
        var mergeEtag = await table.UpsertEntityAsync(new TableEntity("p", "merge") { ["A"] = 2 }, TableUpdateMode.Merge, Ct);

        Assert.AreEqual(replaceEtag, (await table.GetEntityAsync("p", "replace", Ct))!.ETag);
        Assert.AreEqual(2, (await table.GetEntityAsync("p", "merge", Ct))!["A"]);
        Assert.AreEqual(mergeEtag, (await table.GetEntityAsync("p", "merge", Ct))!.ETag);
    }

    [TestMethod]
    public async Task UpsertReplaceDropsPropertiesTheNewEntityLacks()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "b" }, Ct);

        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 10 }, TableUpdateMode.Replace, Ct);
        var read = (await table.GetEntityAsync("p", "r", Ct))!;

        Assert.AreEqual(10, read["A"]);
        Assert.IsFalse(read.ContainsKey("B"));
    }

    [TestMethod]
    public async Task UpsertMergeKeepsPropertiesTheNewEntityLacks()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = "b" }, Ct);

        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 10, ["C"] = 3L, ["B"] = null }, TableUpdateMode.Merge, Ct);
        var read = (await table.GetEntityAsync("p", "r", Ct))!;

        Assert.AreEqual(10, read["A"]);
        Assert.AreEqual("b", read["B"]);
        Assert.AreEqual(3L, read["C"]);
    }

    [TestMethod]
    public async Task UpdateWithTheCurrentETagReplacesOrMergesAndReturnsANewETag()
    {
        var table = await NewTableAsync();
        var etag = await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = 2 }, Ct);

        var merged = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 5 }, etag, TableUpdateMode.Merge, Ct);
        var afterMerge = (await table.GetEntityAsync("p", "r", Ct))!;
        var replaced = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["C"] = 3 }, merged, TableUpdateMode.Replace, Ct);
        var afterReplace = (await table.GetEntityAsync("p", "r", Ct))!;

        Assert.AreNotEqual(etag, merged);
        Assert.AreNotEqual(merged, replaced);
        Assert.AreEqual(5, afterMerge["A"]);
        Assert.AreEqual(2, afterMerge["B"]);
        CollectionAssert.AreEquivalent(new[] { "C" }, afterReplace.Keys.ToArray());
        Assert.AreEqual(replaced, afterReplace.ETag);
    }

    [TestMethod]
    [DataRow(TableUpdateMode.Replace)]
    [DataRow(TableUpdateMode.Merge)]
    public async Task UpdateWithAStaleETagFailsWith412AndChangesNothing(TableUpdateMode mode)
    {
        var table = await NewTableAsync();
        var stale = await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 }, Ct);
        await table.UpdateEntityAsync(new TableEntity("p", "r") { ["V"] = 2 }, stale, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "r") { ["V"] = 3 }, stale, mode, Ct));

        Assert.AreEqual(412, error.Status);
        Assert.AreEqual("UpdateConditionNotSatisfied", error.ErrorCode);
        Assert.AreEqual(2, (await table.GetEntityAsync("p", "r", Ct))!["V"]);
    }

    [TestMethod]
    public async Task UpdateWithAnyETagOfAMissingEntityFailsWith404()
    {
        var table = await NewTableAsync();

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "ghost"), ETag.All, cancellationToken: Ct));

        Assert.AreEqual(404, error.Status);
        Assert.IsNull(await table.GetEntityAsync("p", "ghost", Ct), "an update must not insert");
    }

    [TestMethod]
    public async Task UpdateWithTheDefaultETagMatchesAnyVersion()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 }, Ct);

        await table.UpdateEntityAsync(new TableEntity("p", "r") { ["V"] = 2 }, default, cancellationToken: Ct);

        Assert.AreEqual(2, (await table.GetEntityAsync("p", "r", Ct))!["V"]);
    }

    [TestMethod]
    public async Task TryWriteInsertsOnlyWhatIsNotThereAndReplacesOnlyWhatWasRead()
    {
        var table = await NewTableAsync();

        Assert.IsTrue(await table.TryWriteAsync(new TableEntity("p", "r") { ["V"] = 1 }, etag: null, Ct));
        Assert.IsFalse(await table.TryWriteAsync(new TableEntity("p", "r") { ["V"] = 2 }, etag: null, Ct), "an insert over an existing row");
        var read = (await table.GetEntityAsync("p", "r", Ct))!;
        Assert.IsTrue(await table.TryWriteAsync(new TableEntity("p", "r") { ["V"] = 3 }, read.ETag, Ct));
        Assert.IsFalse(await table.TryWriteAsync(new TableEntity("p", "r") { ["V"] = 4 }, read.ETag, Ct), "a replace with a stale ETag");
        await table.DeleteEntityAsync("p", "r", cancellationToken: Ct);
        Assert.IsFalse(await table.TryWriteAsync(new TableEntity("p", "r") { ["V"] = 5 }, read.ETag, Ct), "a replace of a deleted row");

        Assert.IsNull(await table.GetEntityAsync("p", "r", Ct));
    }

    [TestMethod]
    public async Task DeleteWithAStaleETagFailsWith412AndKeepsTheEntity()
    {
        var table = await NewTableAsync();
        var stale = await table.AddEntityAsync(new TableEntity("p", "r"), Ct);
        var current = await table.UpsertEntityAsync(new TableEntity("p", "r") { ["V"] = 1 }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync("p", "r", stale, Ct));

        Assert.AreEqual(412, error.Status);
        Assert.IsNotNull(await table.GetEntityAsync("p", "r", Ct));
        Assert.IsTrue(await table.DeleteEntityAsync("p", "r", current, Ct));
        Assert.IsNull(await table.GetEntityAsync("p", "r", Ct));
    }

    [TestMethod]
    public async Task DeleteWithoutETagDeletesAnyVersionAndThenReportsFalse()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"), Ct);

        Assert.IsTrue(await table.DeleteEntityAsync("p", "r", cancellationToken: Ct));
        Assert.IsFalse(await table.DeleteEntityAsync("p", "r", cancellationToken: Ct));
    }

    [TestMethod]
    [DynamicData(nameof(AwkwardKeys))]
    public async Task AwkwardKeysRoundTripThroughGetUpdateQueryAndDelete(string partitionKey, string rowKey)
    {
        var table = await NewTableAsync();
        var etag = await table.AddEntityAsync(new TableEntity(partitionKey, rowKey) { ["V"] = 1 }, Ct);
        await table.AddEntityAsync(new TableEntity(partitionKey + "x", rowKey) { ["V"] = 99 }, Ct);

        var read = await table.GetEntityAsync(partitionKey, rowKey, Ct);
        var updated = await table.UpdateEntityAsync(new TableEntity(partitionKey, rowKey) { ["V"] = 2 }, etag, cancellationToken: Ct);
        var merged = await table.UpsertEntityAsync(new TableEntity(partitionKey, rowKey) { ["W"] = 3 }, TableUpdateMode.Merge, Ct);
        var queried = await table.QueryAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey eq {rowKey}"),
            cancellationToken: Ct).ToListAsync(Ct);

        Assert.IsNotNull(read);
        Assert.AreEqual(partitionKey, read.PartitionKey);
        Assert.AreEqual(rowKey, read.RowKey);
        Assert.AreNotEqual(etag, updated);
        Assert.HasCount(1, queried);
        Assert.AreEqual(partitionKey, queried[0].PartitionKey);
        Assert.AreEqual(rowKey, queried[0].RowKey);
        Assert.AreEqual(2, queried[0]["V"]);
        Assert.AreEqual(3, queried[0]["W"]);
        Assert.AreEqual(merged, queried[0].ETag);
        await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync(partitionKey, rowKey, etag, Ct));
        Assert.IsTrue(await table.DeleteEntityAsync(partitionKey, rowKey, merged, Ct));
        Assert.IsNull(await table.GetEntityAsync(partitionKey, rowKey, Ct));
        Assert.AreEqual(99, (await table.GetEntityAsync(partitionKey + "x", rowKey, Ct))!["V"]);
    }

    [TestMethod]
    [DataRow("a/b")]
    [DataRow("a\\b")]
    [DataRow("a#b")]
    [DataRow("a?b")]
    [DataRow("tab\there")]
    [DataRow("new\nline")]
    [DataRow("del\u007f")]
    [DataRow("c1\u0085")]
    public async Task ForbiddenKeyCharactersAreRefusedBeforeAnyRequest(string key)
    {
        var recorder = new RequestRecorder();
        var table = await NewTableAsync(await StorageTestSupport.AzuriteAccountAsync(recorder));
        var sentBefore = recorder.Requests.Count;

        await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity(key, "r"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity("p", key), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertEntityAsync(new TableEntity(key, "r"), cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => table.UpdateEntityAsync(new TableEntity("p", key), ETag.All, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => table.GetEntityAsync(key, "r", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => table.DeleteEntityAsync("p", key, cancellationToken: Ct));

        Assert.AreEqual(sentBefore, recorder.Requests.Count);
    }

    [TestMethod]
    public async Task KeysWithALoneSurrogateAreRefused()
    {
        var table = await NewTableAsync();
        var lone = "lone" + (char)0xD800;

        await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity(lone, "r"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => table.GetEntityAsync("p", (char)0xDC00 + "x", Ct));
    }

    [TestMethod]
    public async Task KeysUpToTheLengthLimitAreAcceptedAndLongerOnesRefused()
    {
        var table = await NewTableAsync();
        var longest = new string('k', TableClient.MaxKeyLength);

        await table.AddEntityAsync(new TableEntity(longest, longest), Ct);

        Assert.IsNotNull(await table.GetEntityAsync(longest, longest, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => table.GetEntityAsync(longest + "k", "r", Ct));
    }

    [TestMethod]
    public async Task QueryFollowsContinuationAcrossSeveralPages()
    {
        var recorder = new RequestRecorder();
        var table = await NewTableAsync(await StorageTestSupport.AzuriteAccountAsync(recorder));
        var expected = new List<string>();
        foreach (var partition in new[] { "a", "b b", "c'c" })
        {
            for (var i = 0; i < 5; i++)
            {
                await table.AddEntityAsync(new TableEntity(partition, $"row{i:00} é+") { ["N"] = i }, Ct);
                expected.Add($"{partition}|row{i:00} é+");
            }
        }

        var pagesBefore = recorder.Requests.Count(r => r.StartsWith("GET", StringComparison.Ordinal));
        var all = await table.QueryAsync(maxPerPage: 2, cancellationToken: Ct).ToListAsync(Ct);
        var pages = recorder.Requests.Count(r => r.StartsWith("GET", StringComparison.Ordinal)) - pagesBefore;

        CollectionAssert.AreEqual(expected, all.Select(e => $"{e.PartitionKey}|{e.RowKey}").ToList());
        Assert.IsGreaterThanOrEqualTo(8, pages);
        Assert.IsTrue(all.All(e => e.ETag != default && e.Timestamp is not null));
    }

    [TestMethod]
    public async Task FilteredQueryWithAQuoteInTheValuePagesThroughOnlyTheMatches()
    {
        var recorder = new RequestRecorder();
        var table = await NewTableAsync(await StorageTestSupport.AzuriteAccountAsync(recorder));
        for (var i = 0; i < 9; i++)
        {
            await table.AddEntityAsync(new TableEntity("p", $"r{i}") { ["Owner"] = i % 3 == 0 ? "O'Neil & Sons" : "other", ["N"] = i }, Ct);
        }

        var filter = TableClient.CreateQueryFilter($"Owner eq {"O'Neil & Sons"} and N ge {0}");
        var pagesBefore = recorder.Requests.Count;
        var matches = await table.QueryAsync(filter, maxPerPage: 1, select: ["Owner", "N"], cancellationToken: Ct).ToListAsync(Ct);

        CollectionAssert.AreEqual(new[] { 0, 3, 6 }, matches.Select(e => (int)e["N"]!).ToArray());
        Assert.IsTrue(matches.All(e => (string?)e["Owner"] == "O'Neil & Sons"));
        Assert.IsGreaterThanOrEqualTo(3, recorder.Requests.Count - pagesBefore);
    }

    [TestMethod]
    public async Task SelectReturnsOnlyTheNamedProperties()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1, ["B"] = 2, ["C"] = 3 }, Ct);

        var entity = (await table.QueryAsync(select: ["A", "C"], cancellationToken: Ct).ToListAsync(Ct)).Single();

        CollectionAssert.AreEquivalent(new[] { "A", "C" }, entity.Keys.ToArray());
    }

    [TestMethod]
    public async Task TypedFilterLiteralsMatchStoredValues()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2023, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);
        var id = Guid.NewGuid();
        await table.AddEntityAsync(
            new TableEntity("p", "hit")
            {
                ["I"] = 7, ["L"] = 9007199254740993L, ["D"] = 2.0, ["B"] = true, ["T"] = when, ["G"] = id, ["S"] = "it's",
            },
            Ct);
        await table.AddEntityAsync(
            new TableEntity("p", "miss")
            {
                ["I"] = 8, ["L"] = 9007199254740992L, ["D"] = 2.5, ["B"] = false, ["T"] = when.AddDays(1), ["G"] = Guid.NewGuid(), ["S"] = "its",
            },
            Ct);

        FormattableString[] filters =
        [
            $"I eq {7}",
            $"L eq {9007199254740993L}",
            $"D eq {2.0}",
            $"B eq {true}",
            $"T eq {when}",
            $"T lt {when.AddHours(1).UtcDateTime}",
            $"G eq {id}",
            $"S eq {"it's"}",
        ];
        foreach (var filter in filters)
        {
            var rows = await table.QueryAsync(TableClient.CreateQueryFilter(filter), cancellationToken: Ct).Select(e => e.RowKey).ToListAsync(Ct);
            CollectionAssert.AreEqual(new[] { "hit" }, rows, filter.Format);
        }
    }

    [TestMethod]
    public async Task InvalidFilterFailsWithRequestFailed400()
    {
        var table = await NewTableAsync();

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.QueryAsync("PartitionKey eq", cancellationToken: Ct).ToListAsync(Ct).AsTask());

        Assert.AreEqual(400, error.Status);
        Assert.IsFalse(string.IsNullOrEmpty(error.ErrorCode));
    }

    [TestMethod]
    public async Task InvalidTableNamesAreRefused()
    {
        var account = await StorageTestSupport.AzuriteAccountAsync();

        Assert.ThrowsExactly<ArgumentException>(() => account.GetTableClient("1abc"));
        Assert.ThrowsExactly<ArgumentException>(() => account.GetTableClient("ab"));
        Assert.ThrowsExactly<ArgumentException>(() => account.GetTableClient("has-dash"));
    }
}
