using Azure.Identity;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shiming.Storage;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Hosting;

/// <summary>
/// <c>AzureWebJobsStorage</c> in both shapes the Functions host accepts, and the start refused, by the setting's name
/// and without its value, when neither is usable.
/// </summary>
[TestClass]
public sealed class StorageConnectionTests
{
    private const string Key = "c2VjcmV0LWtleS1ub3QtcmVhbC1jMlZqY21WMExXdGxlUT09";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Without_the_setting_outside_Development_the_error_names_it_and_both_ways_to_set_it()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Read(("Other", "x")));

        Assert.Contains("'AzureWebJobsStorage'", error.Message);
        Assert.Contains("AzureWebJobsStorage__accountName", error.Message);
        Assert.Contains("AzureWebJobsStorage__blobServiceUri", error.Message);
    }

    [TestMethod]
    public void Without_the_setting_in_Development_the_clients_use_Azurite()
    {
        var connection = StorageConnection.FromConfiguration(Configuration(), isDevelopment: true, ComponentFactory());

        Assert.IsNull(connection.Credential);
        Assert.AreEqual(new Uri("http://127.0.0.1:10000/devstoreaccount1"), connection.CreateBlobServiceClient(new()).Uri);
        Assert.AreEqual(new Uri("http://127.0.0.1:10001/devstoreaccount1"), connection.CreateQueueServiceClient(new()).Uri);
        Assert.AreEqual(new Uri("http://127.0.0.1:10002/devstoreaccount1"), connection.CreateTableServiceClient(new()).Uri);
    }

    [TestMethod]
    public void A_connection_string_names_the_account_and_its_endpoints()
    {
        var connection = Read(("AzureWebJobsStorage", $"DefaultEndpointsProtocol=https;AccountName=stkeyed;AccountKey={Key};EndpointSuffix=core.windows.net"));

        Assert.IsNull(connection.Credential);
        Assert.AreEqual("stkeyed", connection.CreateBlobServiceClient(new()).AccountName);
        Assert.AreEqual(new Uri("https://stkeyed.queue.core.windows.net/"), connection.CreateQueueServiceClient(new()).Uri);
        Assert.AreEqual("stkeyed", connection.CreateTableServiceClient(new()).AccountName);
    }

    [TestMethod]
    public void The_ConnectionStrings_section_wins_as_in_the_Functions_host()
    {
        var connection = Read(
            ("ConnectionStrings:AzureWebJobsStorage", $"AccountName=fromsection;AccountKey={Key}"),
            ("AzureWebJobsStorage", $"AccountName=fromsetting;AccountKey={Key}"));

        Assert.AreEqual("fromsection", connection.CreateBlobServiceClient(new()).AccountName);
    }

    [TestMethod]
    [DataRow("just words")]
    [DataRow("AccountKey=" + Key)]
    [DataRow("AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=not a uri")]
    public void An_unusable_connection_string_is_refused_by_the_settings_name_without_the_key(string value)
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Read(("AzureWebJobsStorage", value)));

        Assert.Contains("'AzureWebJobsStorage'", error.Message);
        Assert.DoesNotContain(Key, error.Message);
        Assert.DoesNotContain(value, error.Message);
        Assert.IsNull(error.InnerException, "the SDK's own message may quote the string");
    }

    [TestMethod]
    public void A_managed_identity_with_service_uris_is_the_Azure_shape()
    {
        var connection = Read(
            ("AzureWebJobsStorage:blobServiceUri", "https://stid.blob.core.windows.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://stid.queue.core.windows.net/"),
            ("AzureWebJobsStorage:tableServiceUri", "https://stid.table.core.windows.net/"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001"));

        Assert.IsInstanceOfType<ManagedIdentityCredential>(connection.Credential);
        Assert.AreEqual(new Uri("https://stid.table.core.windows.net/"), connection.CreateTableServiceClient(new()).Uri);
        Assert.AreEqual("stid", connection.CreateBlobServiceClient(new()).AccountName);
    }

    [TestMethod]
    public void An_account_name_alone_gives_the_public_endpoints_and_the_default_credential_chain()
    {
        var connection = Read(("AzureWebJobsStorage:accountName", "stname"), ("AzureWebJobsStorage:queueServiceUri", "https://queues.example.test/"));

        Assert.IsInstanceOfType<DefaultAzureCredential>(connection.Credential);
        Assert.AreEqual(new Uri("https://stname.blob.core.windows.net/"), connection.BlobServiceUri);
        Assert.AreEqual(new Uri("https://queues.example.test/"), connection.QueueServiceUri);
        Assert.AreEqual(new Uri("https://stname.table.core.windows.net/"), connection.TableServiceUri);
    }

    [TestMethod]
    public void Identity_settings_from_environment_variables_with_double_underscores_are_read()
    {
        var prefix = $"SHIMING_TEST_{Guid.NewGuid():N}_";
        try
        {
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__accountName", "envacct");
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__credential", "managedidentity");
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var connection = StorageConnection.FromConfiguration(configuration, isDevelopment: false, ComponentFactory());

            Assert.AreEqual(new Uri("https://envacct.queue.core.windows.net/"), connection.QueueServiceUri);
            Assert.IsInstanceOfType<ManagedIdentityCredential>(connection.Credential);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__accountName", null);
            Environment.SetEnvironmentVariable(prefix + "AzureWebJobsStorage__credential", null);
        }
    }

    [TestMethod]
    public void A_missing_service_uri_without_an_account_name_is_named()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Read(
            ("AzureWebJobsStorage:blobServiceUri", "https://a.blob.core.windows.net"),
            ("AzureWebJobsStorage:tableServiceUri", "https://a.table.core.windows.net")));

        Assert.Contains("AzureWebJobsStorage__queueServiceUri", error.Message);
    }

    [TestMethod]
    [DataRow("tables")]
    [DataRow("ftp://a.table.core.windows.net")]
    [DataRow("https://a.table.core.windows.net/?sv=2024&sig=abc")]
    public void An_unusable_service_uri_is_named_without_its_value(string value)
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Read(
            ("AzureWebJobsStorage:accountName", "a"), ("AzureWebJobsStorage:tableServiceUri", value)));

        Assert.Contains("AzureWebJobsStorage__tableServiceUri", error.Message);
        Assert.DoesNotContain(value, error.Message);
    }

    [TestMethod]
    public void A_credential_the_host_does_not_accept_is_named()
    {
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => Read(
            ("AzureWebJobsStorage:accountName", "acct"), ("AzureWebJobsStorage:credential", "clientsecret")));

        Assert.Contains("AzureWebJobsStorage__credential", error.Message);
    }

    [TestMethod]
    public async Task The_app_does_not_start_with_an_unusable_connection_string_and_says_which_setting()
    {
        var error = await Assert.ThrowsAsync<Exception>(async () => await ShimingTestApp.StartAsync(settings => settings["AzureWebJobsStorage"] = $"AccountKey={Key}"));

        var message = string.Join(" | ", Messages(error));
        Assert.Contains("'AzureWebJobsStorage'", message);
        Assert.DoesNotContain(Key, message);
    }

    /// <summary>What Microsoft.Extensions.Azure registers for reading credentials from configuration.</summary>
    internal static AzureComponentFactory ComponentFactory()
    {
        var services = new ServiceCollection();
        services.AddAzureClientsCore();
        return services.BuildServiceProvider().GetRequiredService<AzureComponentFactory>();
    }

    private static StorageConnection Read(params (string Key, string Value)[] settings) =>
        StorageConnection.FromConfiguration(Configuration(settings), isDevelopment: false, ComponentFactory());

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static IEnumerable<string> Messages(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            yield return error.Message;
            if (error is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Messages))
                {
                    yield return inner;
                }
            }
        }
    }
}
