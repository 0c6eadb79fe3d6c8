using Shiming.Storage;

namespace Shiming.Tests.Storage;

[TestClass]
public sealed class BlobContainerClientTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    private static async Task<BlobContainerClient> NewContainerAsync(StorageAccount? account = null)
    {
        account ??= await StorageTestSupport.AzuriteAccountAsync();
        var container = account.GetBlobContainerClient(StorageTestSupport.UniqueName("c"));
        await container.CreateIfNotExistsAsync();
        return container;
    }

    [TestMethod]
    public async Task UploadedBlobDownloadsWithSameBytesContentTypeAndETag()
    {
        var container = await NewContainerAsync();
        var bytes = new byte[] { 0, 1, 2, 255, 254, 10, 13 };

        var etag = await container.UploadAsync("photo.bin", BinaryData.FromBytes(bytes), "image/jpeg", Ct);
        var download = await container.DownloadAsync("photo.bin", Ct);

        Assert.IsNotNull(download);
        CollectionAssert.AreEqual(bytes, download.Content.ToArray());
        Assert.AreEqual("image/jpeg", download.ContentType);
        Assert.AreNotEqual(default, etag);
        Assert.AreEqual(etag, download.ETag);
    }

    [TestMethod]
    public async Task ContentTypeWithParametersRoundTripsVerbatim()
    {
        var container = await NewContainerAsync();

        await container.UploadAsync("a.json", BinaryData.FromString("{\"k\":\"值\"}"), "application/json; charset=utf-8", Ct);
        var download = await container.DownloadAsync("a.json", Ct);

        Assert.AreEqual("application/json; charset=utf-8", download!.ContentType);
        Assert.AreEqual("{\"k\":\"值\"}", download.Content.ToString());
    }

    [TestMethod]
    public async Task UploadOverwritesAnExistingBlobAndChangesItsETag()
    {
        var container = await NewContainerAsync();
        var first = await container.UploadAsync("doc.txt", BinaryData.FromString("first"), "text/plain", Ct);

        var second = await container.UploadAsync("doc.txt", BinaryData.FromString("second, longer"), "text/markdown", Ct);
        var download = await container.DownloadAsync("doc.txt", Ct);

        Assert.AreNotEqual(first, second);
        Assert.AreEqual("second, longer", download!.Content.ToString());
        Assert.AreEqual("text/markdown", download.ContentType);
        Assert.AreEqual(second, download.ETag);
    }

    [TestMethod]
    public async Task EmptyBlobUploadsAndDownloadsAsEmpty()
    {
        var container = await NewContainerAsync();

        await container.UploadAsync("empty", BinaryData.Empty, "application/octet-stream", Ct);
        var download = await container.DownloadAsync("empty", Ct);

        Assert.IsNotNull(download);
        Assert.AreEqual(0, download.Content.ToMemory().Length);
    }

    [TestMethod]
    public async Task DownloadOfMissingBlobReturnsNull()
    {
        var container = await NewContainerAsync();

        Assert.IsNull(await container.DownloadAsync("nothing-here", Ct));
    }

    [TestMethod]
    public async Task DownloadFromMissingContainerReturnsNull()
    {
        var account = await StorageTestSupport.AzuriteAccountAsync();
        var container = account.GetBlobContainerClient(StorageTestSupport.UniqueName("never"));

        Assert.IsNull(await container.DownloadAsync("x", Ct));
        Assert.IsFalse(await container.DeleteIfExistsAsync("x", Ct));
    }

    [TestMethod]
    public async Task DeleteIfExistsDeletesOnceThenReportsFalse()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("gone.txt", BinaryData.FromString("x"), "text/plain", Ct);

        Assert.IsTrue(await container.DeleteIfExistsAsync("gone.txt", Ct));
        Assert.IsNull(await container.DownloadAsync("gone.txt", Ct));
        Assert.IsFalse(await container.DeleteIfExistsAsync("gone.txt", Ct));
    }

    [TestMethod]
    public async Task AwkwardBlobNamesRoundTripThroughUploadDownloadListAndDelete()
    {
        var container = await NewContainerAsync();
        string[] names = ["dir/sub dir/file name.txt", "100% + a&b=c.txt", "中文/ключ é.txt", "quote'd (1).txt", "hash#and?query.txt", "dots/..a/.c"];

        foreach (var name in names)
        {
            await container.UploadAsync(name, BinaryData.FromString(name), "text/plain", Ct);
        }

        foreach (var name in names)
        {
            Assert.AreEqual(name, (await container.DownloadAsync(name, Ct))?.Content.ToString(), name);
        }

        var listed = await container.GetBlobsAsync(cancellationToken: Ct).Select(b => b.Name).ToListAsync(Ct);
        CollectionAssert.AreEquivalent(names, listed);
        foreach (var name in names)
        {
            Assert.IsTrue(await container.DeleteIfExistsAsync(name, Ct), name);
        }
    }

    [TestMethod]
    public async Task ListingFollowsNextMarkerAcrossSeveralPages()
    {
        var recorder = new RequestRecorder();
        var container = await NewContainerAsync(await StorageTestSupport.AzuriteAccountAsync(recorder));
        var expected = Enumerable.Range(0, 7).Select(i => $"page/item{i:00}").ToList();
        foreach (var name in expected)
        {
            await container.UploadAsync(name, BinaryData.FromString(name), "text/plain", Ct);
        }

        var listed = await container.GetBlobsAsync("page/", pageSize: 2, Ct).ToListAsync(Ct);

        CollectionAssert.AreEqual(expected, listed.Select(b => b.Name).ToList());
        Assert.AreEqual(4, recorder.Requests.Count(r => r.Contains("comp=list", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task ListingReportsLengthAndLastModifiedAndHonoursThePrefix()
    {
        var container = await NewContainerAsync();
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);
        await container.UploadAsync("in/a.txt", BinaryData.FromString("12345"), "text/plain", Ct);
        await container.UploadAsync("in/b.txt", BinaryData.FromString(""), "text/plain", Ct);
        await container.UploadAsync("out/c.txt", BinaryData.FromString("1"), "text/plain", Ct);

        var listed = await container.GetBlobsAsync("in/", Ct).ToListAsync(Ct);

        Assert.HasCount(2, listed);
        Assert.AreEqual(new BlobItem("in/a.txt", 5, listed[0].LastModified), listed[0]);
        Assert.AreEqual(0, listed[1].ContentLength);
        Assert.IsTrue(listed[0].LastModified > before && listed[0].LastModified < DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.AreEqual(TimeSpan.Zero, listed[0].LastModified.Offset);
    }

    [TestMethod]
    public async Task ListingAnEmptyContainerYieldsNothing()
    {
        var container = await NewContainerAsync();

        Assert.IsEmpty(await container.GetBlobsAsync(cancellationToken: Ct).ToListAsync(Ct));
    }

    [TestMethod]
    public async Task CreateIfNotExistsTwiceSucceedsAndKeepsTheBlobs()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("kept", BinaryData.FromString("x"), "text/plain", Ct);

        await container.CreateIfNotExistsAsync(Ct);

        Assert.IsNotNull(await container.DownloadAsync("kept", Ct));
    }

    [TestMethod]
    public async Task CreatedContainerIsPrivate()
    {
        var container = await NewContainerAsync();
        await container.UploadAsync("secret.txt", BinaryData.FromString("x"), "text/plain", Ct);
        var azurite = await Infrastructure.Azurite.GetSharedAsync();
        using var http = new HttpClient();

        using var blob = await http.GetAsync(new Uri($"{azurite.BlobEndpoint}/{container.Name}/secret.txt"), Ct);
        using var listing = await http.GetAsync(new Uri($"{azurite.BlobEndpoint}/{container.Name}?restype=container&comp=list"), Ct);

        Assert.IsFalse(blob.IsSuccessStatusCode, $"anonymous read answered {blob.StatusCode}");
        Assert.IsFalse(listing.IsSuccessStatusCode, $"anonymous listing answered {listing.StatusCode}");
    }

    [TestMethod]
    public async Task InvalidNamesAreRefusedBeforeAnyRequest()
    {
        var account = await StorageTestSupport.AzuriteAccountAsync();

        Assert.ThrowsExactly<ArgumentException>(() => account.GetBlobContainerClient("Upper"));
        Assert.ThrowsExactly<ArgumentException>(() => account.GetBlobContainerClient("a--b"));
        Assert.ThrowsExactly<ArgumentException>(() => account.GetBlobContainerClient("ab"));
        var container = account.GetBlobContainerClient("fine-name");
        await Assert.ThrowsAsync<ArgumentException>(() => container.UploadAsync("", BinaryData.Empty, "text/plain", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => container.UploadAsync(new string('a', 1025), BinaryData.Empty, "text/plain", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => container.UploadAsync("../other/x", BinaryData.Empty, "text/plain", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => container.DownloadAsync("a/./b", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => container.DeleteIfExistsAsync("..", Ct));
    }

    [TestMethod]
    public async Task UploadToMissingContainerThrowsRequestFailedWithTheServiceErrorCode()
    {
        var account = await StorageTestSupport.AzuriteAccountAsync();
        var container = account.GetBlobContainerClient(StorageTestSupport.UniqueName("none"));

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(
            () => container.UploadAsync("x", BinaryData.FromString("x"), "text/plain", Ct));

        Assert.AreEqual(404, error.Status);
        Assert.AreEqual("ContainerNotFound", error.ErrorCode);
    }
}
