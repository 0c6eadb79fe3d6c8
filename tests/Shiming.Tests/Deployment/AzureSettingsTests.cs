using System.Text.RegularExpressions;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Shiming.Storage;
using Shiming.Tests.Hosting;
using Shiming.Jobs;

namespace Shiming.Tests.Deployment;

/// <summary>
/// The settings the app reads in Azure are the ones the function app template sets: names taken from
/// the code (options classes by reflection, the few raw keys checked against the source), compared
/// with the app settings of the function app in the template the Bicep compiler makes of <c>infra/</c>.
/// </summary>
[TestClass]
public sealed class AzureSettingsTests
{
    private static readonly IReadOnlyDictionary<string, string> AppSettings = Templates.AppSettings();

    [TestMethod]
    public void The_options_classes_are_found_by_reflection()
    {
        var names = AppSettingNames.FromOptions().Select(s => s.Name).ToList();

        // Guards the derivation itself: if it found nothing, every comparison below would pass.
        Assert.Contains("Baidu__ApiKey", names);
        Assert.Contains($"{JobOptions.Section}__{nameof(JobOptions.ImageContainer)}", names);
    }

    [TestMethod]
    public void Every_setting_the_app_cannot_start_without_is_set_by_the_template()
    {
        var required = AppSettingNames.FromOptions().Where(s => s.IsRequired).Select(s => s.Name).ToList();
        Assert.IsNotEmpty(required);

        foreach (var name in required)
        {
            Assert.IsTrue(AppSettings.ContainsKey(name), $"{name} is required by the app (validated at start, no default) but not set in infra/app/api.bicep");
        }
    }

    [TestMethod]
    public void Every_setting_whose_default_is_wrong_in_Azure_is_set_by_the_template()
    {
        var known = AppSettingNames.FromOptions().Select(s => s.Name).Concat(AppSettingNames.RawKeys.Select(AppSettingNames.ToAppSetting)).ToHashSet();

        foreach (var name in AppSettingNames.DeploymentDecisions.Concat(AppSettingNames.IdentityStorage))
        {
            Assert.IsTrue(name.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal) || known.Contains(name), $"{name} is not a setting the code reads");
            Assert.IsTrue(AppSettings.ContainsKey(name), $"{name} is not set in infra/app/api.bicep");
        }
    }

    [TestMethod]
    public void Every_app_setting_in_the_template_is_read_by_the_app_or_the_Functions_host()
    {
        var read = AppSettingNames.FromOptions().Select(s => s.Name)
            .Concat(AppSettingNames.RawKeys.Select(AppSettingNames.ToAppSetting))
            .Concat(AppSettingNames.IdentityStorage)
            .Concat(AppSettingNames.HostOnly)
            .Concat(AppSettingNames.AheadOfCode)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var name in AppSettings.Keys)
        {
            Assert.Contains(name, read, $"{name} is set in infra/app/api.bicep but nothing reads it (a typo, or a setting the code dropped)");
        }
    }

    [TestMethod]
    public void Every_key_listed_as_read_directly_appears_in_the_app_source()
    {
        var source = AppSettingNames.FunctionsSource();

        foreach (var key in AppSettingNames.RawKeys)
        {
            StringAssert.Contains(source, $"\"{key}\"", $"the code no longer reads {key}; update AppSettingNames.RawKeys and the template");
        }
    }

    [TestMethod]
    public void Secrets_are_Key_Vault_references_never_values()
    {
        var secrets = AppSettingNames.FromOptions().Where(s => s.IsSecret).Select(s => s.Name).Concat(AppSettingNames.AheadOfCode).ToList();
        CollectionAssert.IsSubsetOf(new[] { "Baidu__ApiKey", "Baidu__SecretKey" }, secrets);

        foreach (var name in secrets.Where(AppSettings.ContainsKey))
        {
            Assert.MatchesRegex(new Regex(@"^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', parameters\('\w+Uri'\)\)\]$"), AppSettings[name], $"{name} must be a Key Vault reference");
        }
    }

    [TestMethod]
    public void Settings_the_platform_sets_are_left_to_the_platform()
    {
        foreach (var name in AppSettingNames.PlatformSet)
        {
            // WEBSITE_AUTH_ENABLED in particular: set by hand, the app would trust a principal header no one vouched for.
            Assert.IsFalse(AppSettings.ContainsKey(name), $"{name} is set by the platform, not by the template");
        }

        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "AZURE_FUNCTIONS_ENVIRONMENT" })
        {
            // Development would let any client name its account.
            Assert.IsFalse(AppSettings.TryGetValue(name, out var value) && value.Contains("Development", StringComparison.OrdinalIgnoreCase), $"{name} is Development");
        }

        // Flex Consumption refuses these; the runtime comes from functionAppConfig.
        Assert.IsFalse(AppSettings.ContainsKey("FUNCTIONS_WORKER_RUNTIME"));
        Assert.IsFalse(AppSettings.ContainsKey("FUNCTIONS_EXTENSION_VERSION"));
    }

    [TestMethod]
    public void No_setting_of_the_custom_handler_or_of_the_workers_old_CORS_list_is_left_in_the_template()
    {
        var source = AppSettingNames.FunctionsSource();

        foreach (var name in AppSettingNames.Retired)
        {
            Assert.IsFalse(AppSettings.ContainsKey(name), $"{name} is set in infra/app/api.bicep, but nothing reads it any more");
            // The other half of the check: if the code read it again, it would belong in the template after all.
            Assert.DoesNotContain(name.Replace("__", ":", StringComparison.Ordinal), source, $"the code reads {name} again");
            Assert.DoesNotContain(name, source, $"the code reads {name} again");
        }
    }

    [TestMethod]
    public void The_storage_settings_of_the_template_give_the_app_a_managed_identity_connection()
    {
        // The template's names with the kind of values Azure fills in.
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage__credential"] = Templates.Literal(AppSettings["AzureWebJobsStorage__credential"]),
            ["AzureWebJobsStorage__clientId"] = "00000000-0000-0000-0000-000000000001",
            ["AzureWebJobsStorage__blobServiceUri"] = "https://stshiming.blob.core.windows.net/",
            ["AzureWebJobsStorage__queueServiceUri"] = "https://stshiming.queue.core.windows.net/",
            ["AzureWebJobsStorage__tableServiceUri"] = "https://stshiming.table.core.windows.net/",
        };
        CollectionAssert.AreEquivalent(values.Keys.ToArray(), AppSettings.Keys.Where(k => k.StartsWith("AzureWebJobsStorage", StringComparison.Ordinal)).ToArray());
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)))
            .Build();

        var connection = StorageConnection.FromConfiguration(configuration, isDevelopment: false, StorageConnectionTests.ComponentFactory());

        Assert.AreEqual(new Uri("https://stshiming.blob.core.windows.net/"), connection.BlobServiceUri);
        Assert.AreEqual(new Uri("https://stshiming.queue.core.windows.net/"), connection.QueueServiceUri);
        Assert.AreEqual(new Uri("https://stshiming.table.core.windows.net/"), connection.TableServiceUri);
        Assert.IsInstanceOfType<ManagedIdentityCredential>(connection.Credential);
    }

    [TestMethod]
    public void The_template_points_the_storage_settings_at_its_own_account_and_identity()
    {
        Assert.AreEqual(Templates.Parameter("identityClientId"), AppSettings["AzureWebJobsStorage__clientId"]);
        Templates.AssertIsModuleOutput(Templates.Argument("api", "identityClientId"), "identity", "clientId");
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            var uri = AppSettings[$"AzureWebJobsStorage__{service}ServiceUri"];
            StringAssert.StartsWith(uri, "[reference(resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))");
            StringAssert.EndsWith(uri, $".primaryEndpoints.{service}]");
        }

        Templates.AssertIsModuleOutput(Templates.Argument("api", "storageAccountName"), "storage", "name");
        Assert.AreEqual("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", AppSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [TestMethod]
    public void The_storage_template_creates_the_container_queue_and_tables_the_app_uses_by_default()
    {
        var defaults = new JobOptions();
        var storage = Templates.Storage;

        Assert.AreEqual(defaults.ImageContainer, Templates.Literal(storage.Default("imageContainerName").GetString()));
        Assert.AreEqual(defaults.JobQueue, Templates.Literal(storage.Default("jobQueueName").GetString()));
        Assert.AreEqual(defaults.JobTable, Templates.Literal(storage.Default("jobTableName").GetString()));
        Assert.AreEqual(defaults.KeyTable, Templates.Literal(storage.Default("keyTableName").GetString()));

        // main.bicep passes none of them, so the defaults are what Azure gets.
        foreach (var name in new[] { "imageContainerName", "jobQueueName", "jobTableName", "keyTableName" })
        {
            Assert.ThrowsExactly<KeyNotFoundException>(() => Templates.Argument("storage", name), name);
        }

        // With the defaults in place the template must not set the names again (one source of truth).
        Assert.IsFalse(AppSettings.Keys.Any(k => k.StartsWith($"{JobOptions.Section}__", StringComparison.Ordinal)));
    }
}
