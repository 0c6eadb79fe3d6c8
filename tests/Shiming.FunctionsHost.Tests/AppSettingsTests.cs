using Shiming.FunctionsHost.Configuration;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class AppSettingsTests
{
    private static readonly Dictionary<string, string> None = [];

    [TestMethod]
    public void A_local_value_the_environment_sets_already_is_skipped_and_one_it_sets_empty_is_not()
    {
        var settings = AppSettings.Combine(
            new Dictionary<string, string> { ["Shared"] = "from the environment", ["Empty"] = "" },
            new Dictionary<string, string> { ["Shared"] = "from local.settings.json", ["Empty"] = "local", ["Local"] = "local" },
            None);

        Assert.AreEqual("from the environment", settings["Shared"]);
        Assert.AreEqual("local", settings["Empty"]);
        Assert.AreEqual("local", settings["Local"]);
        CollectionAssert.AreEqual(new[] { "Shared" }, settings.SkippedLocalValues.ToArray());
    }

    [TestMethod]
    public void Settings_given_in_code_go_over_the_environment_and_local_values_whatever_the_case_of_the_name()
    {
        var settings = AppSettings.Combine(
            new Dictionary<string, string> { ["Shared"] = "from the environment" },
            new Dictionary<string, string> { ["Local"] = "local" },
            new Dictionary<string, string> { ["shared"] = "from code", ["LOCAL"] = "from code" });

        Assert.AreEqual("from code", settings["Shared"]);
        Assert.AreEqual("from code", settings["Local"]);
    }

    [TestMethod]
    [DataRow("AzureWebJobs.Drain.Disabled", "true")]
    [DataRow("AzureWebJobs.Drain.Disabled", "True")]
    [DataRow("AzureWebJobs.Drain.Disabled", "1")]
    [DataRow("azurewebjobs.drain.disabled", "TRUE")]
    [DataRow("AzureWebJobs_Drain_Disabled", "true")]
    [DataRow("AzureWebJobs_Drain_Disabled", "1")]
    public void A_function_is_disabled_by_its_setting_set_to_true_or_1(string name, string value)
    {
        var settings = AppSettings.Combine(new Dictionary<string, string>(), new Dictionary<string, string> { [name] = value }, None);

        Assert.IsTrue(settings.IsFunctionDisabled("Drain"));
        Assert.IsFalse(settings.IsFunctionDisabled("Other"));
    }

    [TestMethod]
    [DataRow("AzureWebJobs.Drain.Disabled", "false")]
    [DataRow("AzureWebJobs.Drain.Disabled", "0")]
    [DataRow("AzureWebJobs.Drain.Disabled", "yes")]
    [DataRow("AzureWebJobs.Drain.Disabled", " true")]
    [DataRow("AzureWebJobs.Drain.Disabled", "")]
    [DataRow("AzureWebJobs__Drain__Disabled", "true")]
    [DataRow("AzureWebJobs:Drain:Disabled", "true")]
    public void Other_values_and_the_section_forms_of_the_name_disable_nothing(string name, string value)
    {
        var settings = AppSettings.Combine(new Dictionary<string, string>(), new Dictionary<string, string> { [name] = value }, None);

        Assert.IsFalse(settings.IsFunctionDisabled("Drain"));
    }

    [TestMethod]
    public void A_setting_in_code_can_enable_a_function_that_local_settings_disable()
    {
        var settings = AppSettings.Combine(
            new Dictionary<string, string>(),
            new Dictionary<string, string> { ["AzureWebJobs.Drain.Disabled"] = "true" },
            new Dictionary<string, string> { ["AzureWebJobs.Drain.Disabled"] = "false" });

        Assert.IsFalse(settings.IsFunctionDisabled("Drain"));
    }
}
