using System.Collections;

namespace Shiming.FunctionsHost.Configuration;

/// <summary>The app settings the host and its worker see: the process environment, then local.settings.json's
/// <c>Values</c> where the environment has no value of its own (as Core Tools skips a value "already defined in
/// current environment variables"), then the settings given in code over both.</summary>
public sealed class AppSettings
{
    private readonly Dictionary<string, string> _values;

    private AppSettings(Dictionary<string, string> values, IReadOnlyList<string> skipped)
    {
        _values = values;
        SkippedLocalValues = skipped;
    }

    /// <summary>Every setting, by name without regard to case, as the host's configuration looks them up.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The names of local.settings.json values left out because the environment sets them.</summary>
    public IReadOnlyList<string> SkippedLocalValues { get; }

    public static AppSettings Combine(
        IDictionary environment,
        IReadOnlyDictionary<string, string> localValues,
        IReadOnlyDictionary<string, string> settings)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry variable in environment)
        {
            if (variable.Key is string name && variable.Value is string value)
            {
                values[name] = value;
            }
        }

        var skipped = new List<string>();
        foreach (var (name, value) in localValues)
        {
            if (values.TryGetValue(name, out var existing) && existing.Length > 0)
            {
                skipped.Add(name);
            }
            else
            {
                values[name] = value;
            }
        }

        foreach (var (name, value) in settings)
        {
            values[name] = value;
        }

        return new AppSettings(values, skipped);
    }

    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>Whether <c>AzureWebJobs.&lt;name&gt;.Disabled</c>, or its Linux form <c>AzureWebJobs_&lt;name&gt;_Disabled</c>,
    /// is <c>true</c> or <c>1</c> (any case), the rule of the WebJobs SDK's function indexer. The form
    /// <c>AzureWebJobs__&lt;name&gt;__Disabled</c> is a configuration section (<c>AzureWebJobs:&lt;name&gt;:Disabled</c>) to the
    /// host, a different key, so it disables nothing there and nothing here.</summary>
    public bool IsFunctionDisabled(string functionName) =>
        IsTrue(this[$"AzureWebJobs.{functionName}.Disabled"]) || IsTrue(this[$"AzureWebJobs_{functionName}_Disabled"]);

    private static bool IsTrue(string? value) =>
        value is not null && (value.Equals("1", StringComparison.Ordinal) || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
