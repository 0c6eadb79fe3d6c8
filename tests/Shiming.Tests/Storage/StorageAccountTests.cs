using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Shiming.Storage;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Storage;

[TestClass]
public sealed class StorageAccountTests
{
    private const string Key = "c2VjcmV0LWtleS12YWx1ZS10aGF0LW11c3Qtbm90LWxlYWs=";

    public TestContext TestContext { get; set; } = null!;

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value)))
            .Build();

    [TestMethod]
    public void DevelopmentStorageExpandsToTheEmulatorsWellKnownAccount()
    {
        var account = StorageAccount.FromConnectionString("UseDevelopmentStorage=true");

        Assert.AreEqual("devstoreaccount1", account.AccountName);
        Assert.AreEqual(new Uri("http://127.0.0.1:10000/devstoreaccount1"), account.BlobEndpoint);
        Assert.AreEqual(new Uri("http://127.0.0.1:10001/devstoreaccount1"), account.QueueEndpoint);
        Assert.AreEqual(new Uri("http://127.0.0.1:10002/devstoreaccount1"), account.TableEndpoint);
        Assert.IsNull(account.Credential);
    }

    [TestMethod]
    public void AccountNameAndKeyDefaultToHttpsOnTheAzureSuffix()
    {
        var account = StorageAccount.FromConnectionString($"AccountName=acct;AccountKey={Key}");

        Assert.AreEqual("acct", account.AccountName);
        Assert.AreEqual(new Uri("https://acct.blob.core.windows.net"), account.BlobEndpoint);
        Assert.AreEqual(new Uri("https://acct.queue.core.windows.net"), account.QueueEndpoint);
        Assert.AreEqual(new Uri("https://acct.table.core.windows.net"), account.TableEndpoint);
    }

    [TestMethod]
    public void EndpointSuffixAndProtocolBuildTheServiceEndpoints()
    {
        var account = StorageAccount.FromConnectionString(
            $" DefaultEndpointsProtocol=http ; AccountName=acct;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn;");

        Assert.AreEqual(new Uri("http://acct.blob.core.chinacloudapi.cn"), account.BlobEndpoint);
        Assert.AreEqual(new Uri("http://acct.queue.core.chinacloudapi.cn"), account.QueueEndpoint);
        Assert.AreEqual(new Uri("http://acct.table.core.chinacloudapi.cn"), account.TableEndpoint);
    }

    [TestMethod]
    public void ExplicitEndpointsWinOverTheSuffixOneServiceAtATime()
    {
        var account = StorageAccount.FromConnectionString(
            $"accountname=acct;ACCOUNTKEY={Key};BlobEndpoint=http://127.0.0.1:5/acct;TableEndpoint=https://tables.example.test/");

        Assert.AreEqual(new Uri("http://127.0.0.1:5/acct"), account.BlobEndpoint);
        Assert.AreEqual(new Uri("https://acct.queue.core.windows.net"), account.QueueEndpoint);
        Assert.AreEqual(new Uri("https://tables.example.test/"), account.TableEndpoint);
    }

    [TestMethod]
    public async Task ExplicitEndpointConnectionStringWorksAgainstAzurite()
    {
        var azurite = await Azurite.GetSharedAsync();
        var account = StorageAccount.FromConnectionString(azurite.ConnectionString);
        var container = account.GetBlobContainerClient(StorageTestSupport.UniqueName("cs"));

        await container.CreateIfNotExistsAsync(TestContext.CancellationToken);

        Assert.AreEqual(azurite.BlobEndpoint, account.BlobEndpoint);
        Assert.AreEqual("devstoreaccount1", account.AccountName);
    }

    [TestMethod]
    [DataRow("", "empty")]
    [DataRow("AccountKey=" + Key, "AccountName is missing")]
    [DataRow("AccountName=acct", "AccountKey is missing")]
    [DataRow("AccountName=acct;AccountKey=not*base64*" + Key, "AccountKey is not valid Base64")]
    [DataRow("AccountName=acct;AccountKey=" + Key + ";DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol")]
    [DataRow("AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=not a uri", "BlobEndpoint")]
    [DataRow("AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=https://x.test/?sv=1", "BlobEndpoint")]
    [DataRow("BlobEndpoint=https://x.test;SharedAccessSignature=sv=1&sig=" + Key, "SharedAccessSignature is not supported")]
    [DataRow("UseDevelopmentStorage=false", "UseDevelopmentStorage")]
    [DataRow("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://proxy", "UseDevelopmentStorage")]
    [DataRow("AccountName=acct;AccountKey=" + Key + ";AccountName=other", "AccountName appears more than once")]
    [DataRow("just words", "Name=Value")]
    [DataRow(Key + ";" + Key, "a setting appears more than once")]
    public void InvalidConnectionStringIsRefusedWithAReasonAndWithoutTheKey(string connectionString, string reason)
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => StorageAccount.FromConnectionString(connectionString));

        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain(Key, error.Message);
        Assert.DoesNotContain("c2VjcmV0", error.Message);
    }

    [TestMethod]
    public void ConfigurationErrorsNameTheSettingAndNeverTheKey()
    {
        var configuration = Configuration(("AzureWebJobsStorage", $"AccountName=acct;AccountKey={Key};DefaultEndpointsProtocol=gopher"));

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => StorageAccount.FromConfiguration(configuration));

        Assert.Contains("'AzureWebJobsStorage'", error.Message);
        Assert.DoesNotContain(Key, error.Message);
    }

    [TestMethod]
    public void MissingSettingIsReportedByNameWithBothWaysToSetIt()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(
            () => StorageAccount.FromConfiguration(Configuration(("Other", "x")), "MyStorage"));

        Assert.Contains("'MyStorage'", error.Message);
        Assert.Contains("MyStorage__accountName", error.Message);
    }

    [TestMethod]
    public void ConnectionStringSettingIsRead()
    {
        var account = StorageAccount.FromConfiguration(Configuration(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));

        Assert.AreEqual("devstoreaccount1", account.AccountName);
        Assert.IsNull(account.Credential);
    }

    [TestMethod]
    public void ConnectionStringsSectionTakesPrecedenceAsInTheFunctionsHost()
    {
        var account = StorageAccount.FromConfiguration(Configuration(
            ("ConnectionStrings:Storage", $"AccountName=fromsection;AccountKey={Key}"),
            ("Storage", $"AccountName=fromsetting;AccountKey={Key}")),
            "Storage");

        Assert.AreEqual("fromsection", account.AccountName);
    }

    [TestMethod]
    public void IdentitySettingsFromEnvironmentVariablesWithDoubleUnderscoresAreRead()
    {
        var prefix = $"SHIMING_TEST_{Guid.NewGuid():N}_";
        try
        {
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__accountName", "envacct");
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__queueServiceUri", "https://queues.example.test/");
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var account = StorageAccount.FromConfiguration(configuration, credential: new FakeTokenCredential("t"));

            Assert.AreEqual("envacct", account.AccountName);
            Assert.AreEqual(new Uri("https://envacct.blob.core.windows.net"), account.BlobEndpoint);
            Assert.AreEqual(new Uri("https://queues.example.test/"), account.QueueEndpoint);
            Assert.AreEqual(new Uri("https://envacct.table.core.windows.net"), account.TableEndpoint);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__accountName", null);
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__queueServiceUri", null);
        }
    }

    [TestMethod]
    public void ServiceUrisAloneAreEnoughAndNameTheAccount()
    {
        var account = StorageAccount.FromConfiguration(
            Configuration(
                ("AzureWebJobsStorage:blobServiceUri", "https://uriacct.blob.core.windows.net"),
                ("AzureWebJobsStorage:queueServiceUri", "https://uriacct.queue.core.windows.net"),
                ("AzureWebJobsStorage:tableServiceUri", "https://uriacct.table.core.windows.net")),
            credential: new FakeTokenCredential("t"));

        Assert.AreEqual("uriacct", account.AccountName);
        Assert.AreEqual(new Uri("https://uriacct.table.core.windows.net"), account.TableEndpoint);
    }

    [TestMethod]
    public void MissingServiceUriWithoutAccountNameIsReportedByName()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => StorageAccount.FromConfiguration(
            Configuration(
                ("AzureWebJobsStorage:blobServiceUri", "https://a.blob.core.windows.net"),
                ("AzureWebJobsStorage:tableServiceUri", "https://a.table.core.windows.net")),
            credential: new FakeTokenCredential("t")));

        Assert.Contains("AzureWebJobsStorage__queueServiceUri", error.Message);
    }

    [TestMethod]
    public void InvalidServiceUriIsReportedByName()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => StorageAccount.FromConfiguration(
            Configuration(("AzureWebJobsStorage:accountName", "a"), ("AzureWebJobsStorage:tableServiceUri", "tables")),
            credential: new FakeTokenCredential("t")));

        Assert.Contains("AzureWebJobsStorage__tableServiceUri", error.Message);
    }

    [TestMethod]
    public void ManagedIdentityCredentialSettingSelectsAManagedIdentity()
    {
        var account = StorageAccount.FromConfiguration(Configuration(
            ("AzureWebJobsStorage:accountName", "acct"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.IsInstanceOfType<ManagedIdentityCredential>(account.Credential);
    }

    [TestMethod]
    public void WithoutACredentialSettingTheDefaultChainIsUsed()
    {
        var account = StorageAccount.FromConfiguration(Configuration(("AzureWebJobsStorage:accountName", "acct")));

        Assert.IsInstanceOfType<DefaultAzureCredential>(account.Credential);
    }

    [TestMethod]
    public void AGivenCredentialWinsOverTheSettings()
    {
        var credential = new FakeTokenCredential("t");

        var account = StorageAccount.FromConfiguration(
            Configuration(("AzureWebJobsStorage:accountName", "acct"), ("AzureWebJobsStorage:credential", "managedidentity")),
            credential: credential);

        Assert.AreSame(credential, account.Credential);
    }

    [TestMethod]
    public void UnknownCredentialKindIsReportedByName()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => StorageAccount.FromConfiguration(Configuration(
            ("AzureWebJobsStorage:accountName", "acct"),
            ("AzureWebJobsStorage:credential", "clientsecret"))));

        Assert.Contains("AzureWebJobsStorage__credential", error.Message);
    }

    [TestMethod]
    public void FromIdentityTakesTheAccountNameFromTheBlobEndpoint()
    {
        var emulator = StorageAccount.FromIdentity(
            new Uri("https://127.0.0.1:10000/devstoreaccount1"),
            new Uri("https://127.0.0.1:10001/devstoreaccount1"),
            new Uri("https://127.0.0.1:10002/devstoreaccount1"),
            new FakeTokenCredential("t"));
        var azure = StorageAccount.FromIdentity(
            new Uri("https://prod.blob.core.windows.net/"),
            new Uri("https://prod.queue.core.windows.net/"),
            new Uri("https://prod.table.core.windows.net/"),
            new FakeTokenCredential("t"));

        Assert.AreEqual("devstoreaccount1", emulator.AccountName);
        Assert.AreEqual("prod", azure.AccountName);
    }
}
