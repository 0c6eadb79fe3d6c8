using System.Text.Json;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary><c>local.settings.sample.json</c> is enough for <c>func start</c> on the package against Azurite and the Baidu emulator.</summary>
[TestClass]
public sealed class LocalSettingsTests
{
    private static readonly JsonElement Sample = Load();

    private static Dictionary<string, string> Values => Sample.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    [TestMethod]
    public void The_sample_runs_the_custom_handler_against_Azurite()
    {
        Assert.AreEqual("custom", Values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.AreEqual("UseDevelopmentStorage=true", Values["AzureWebJobsStorage"]);
        Assert.IsFalse(Sample.GetProperty("IsEncrypted").GetBoolean());
        Assert.IsTrue(Sample.GetProperty("Values").EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String), "Core Tools accepts only string values");
    }

    [TestMethod]
    public void The_sample_sets_every_setting_the_app_cannot_start_without()
    {
        foreach (var setting in AppSettingNames.FromOptions().Where(s => s.IsRequired))
        {
            Assert.IsTrue(Values.ContainsKey(setting.Name), $"{setting.Name} is missing: the handler would stop at start");
        }
    }

    [TestMethod]
    public void Every_value_in_the_sample_is_read_by_the_app_or_the_Functions_host()
    {
        var read = AppSettingNames.FromOptions().Select(s => s.Name)
            .Concat(AppSettingNames.RawKeys.Select(AppSettingNames.ToAppSetting))
            .Concat(["FUNCTIONS_WORKER_RUNTIME", "ASPNETCORE_ENVIRONMENT"])
            .ToHashSet(StringComparer.Ordinal);

        foreach (var name in Values.Keys)
        {
            Assert.Contains(name, read, $"{name} is in local.settings.sample.json but nothing reads it");
        }
    }

    [TestMethod]
    public void URIs_in_answers_name_the_hosts_port_not_the_handlers()
    {
        // Under func start the handler listens on a port the host picks; clients know only the host's.
        var port = Sample.GetProperty("Host").GetProperty("LocalHttpPort").GetInt32();

        Assert.AreEqual(new Uri($"http://localhost:{port}/"), new Uri(Values["Api__PublicBaseUrl"]));
    }

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.sample.json")));
        return document.RootElement.Clone();
    }
}
