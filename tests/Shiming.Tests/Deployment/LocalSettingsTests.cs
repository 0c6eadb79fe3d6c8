using System.Text.Json;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>
/// <c>local.settings.sample.json</c> is what <c>func start</c> (and the host emulator, which reads the same file) needs to
/// run the worker against Azurite and the Baidu emulator.
/// </summary>
[TestClass]
public sealed class LocalSettingsTests
{
    private static readonly JsonElement Sample = Load();

    private static Dictionary<string, string> Values => Sample.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    [TestMethod]
    public void The_sample_runs_the_isolated_worker_against_Azurite()
    {
        Assert.AreEqual("dotnet-isolated", Values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.AreEqual("UseDevelopmentStorage=true", Values["AzureWebJobsStorage"]);
        Assert.IsFalse(Sample.GetProperty("IsEncrypted").GetBoolean());
        Assert.IsTrue(Sample.GetProperty("Values").EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String), "Core Tools accepts only string values");
    }

    [TestMethod]
    public void The_sample_calls_the_Baidu_emulator_at_its_default_address_with_its_default_keys()
    {
        var emulator = new Shiming.BaiduEmulator.EmulatorOptions();

        Assert.AreEqual(new Uri(Shiming.BaiduEmulator.Program.DefaultUrl), new Uri(Values["Baidu__Endpoint"]));
        Assert.AreEqual(emulator.ApiKey, Values["Baidu__ApiKey"]);
        Assert.AreEqual(emulator.SecretKey, Values["Baidu__SecretKey"]);
    }

    [TestMethod]
    public void The_sample_runs_in_Development_on_port_7071()
    {
        // Development lets a client name its account in X-MS-CLIENT-PRINCIPAL-ID and makes the app generate its
        // encryption keys; AZURE_FUNCTIONS_ENVIRONMENT is the name the Functions host and the worker read.
        Assert.AreEqual("Development", Values["AZURE_FUNCTIONS_ENVIRONMENT"]);
        Assert.AreEqual(7071, Sample.GetProperty("Host").GetProperty("LocalHttpPort").GetInt32());
    }

    [TestMethod]
    public void The_sample_sets_every_setting_the_app_cannot_start_without()
    {
        foreach (var setting in AppSettingNames.FromOptions().Where(s => s.IsRequired))
        {
            Assert.IsTrue(Values.ContainsKey(setting.Name), $"{setting.Name} is missing: the worker would stop at start");
        }
    }

    [TestMethod]
    public void Every_value_in_the_sample_is_read_by_the_app_or_the_Functions_host()
    {
        var read = AppSettingNames.FromOptions().Select(s => s.Name)
            .Concat(AppSettingNames.RawKeys.Select(AppSettingNames.ToAppSetting))
            .Concat(["FUNCTIONS_WORKER_RUNTIME", "AZURE_FUNCTIONS_ENVIRONMENT"])
            .ToHashSet(StringComparer.Ordinal);

        foreach (var name in Values.Keys)
        {
            Assert.Contains(name, read, $"{name} is in local.settings.sample.json but nothing reads it");
        }

        foreach (var name in AppSettingNames.Retired)
        {
            Assert.DoesNotContain(name, Values.Keys, $"{name} is in local.settings.sample.json but nothing reads it any more");
        }
    }

    [TestMethod]
    public void URIs_in_answers_name_the_hosts_port_not_the_workers()
    {
        // The host forwards each request to the worker's own listener, on a port of its own; clients know only the host's.
        var port = Sample.GetProperty("Host").GetProperty("LocalHttpPort").GetInt32();

        Assert.AreEqual(new Uri($"http://localhost:{port}/"), new Uri(Values["Api__PublicBaseUrl"]));
    }

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")));
        return document.RootElement.Clone();
    }
}
