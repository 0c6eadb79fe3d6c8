using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>Every setting the app reads is in the README's "Settings" table, by the name an app setting has.</summary>
[TestClass]
public sealed class SettingsDocumentationTests
{
    [TestMethod]
    public void Every_setting_the_app_reads_has_a_row_in_the_READMEs_settings_table()
    {
        var rows = SettingsTableRows();
        var names = AppSettingNames.FromOptions().Select(s => s.Name)
            .Concat(AppSettingNames.RawKeys.Select(AppSettingNames.ToAppSetting))
            .Except(AppSettingNames.PlatformSet)
            .ToList();
        Assert.IsNotEmpty(names);

        foreach (var name in names)
        {
            // A row may name several settings of one section at once: `Verifications__ImageContainer`, `__JobQueue`, …
            var cut = name.LastIndexOf("__", StringComparison.Ordinal);
            var documented = rows.Any(row => row.Contains($"`{name}", StringComparison.Ordinal)
                || (cut > 0 && row.Contains($"`{name[..(cut + 2)]}", StringComparison.Ordinal) && row.Contains($"`{name[cut..]}`", StringComparison.Ordinal)));
            Assert.IsTrue(documented, $"{name} is read by the app but has no row in the README's \"Settings\" table");
        }
    }

    [TestMethod]
    public void No_retired_setting_is_documented_as_one_to_set()
    {
        foreach (var row in SettingsTableRows())
        {
            foreach (var name in AppSettingNames.Retired)
            {
                Assert.DoesNotContain($"`{name}`", row, $"the README's \"Settings\" table still lists {name}");
            }
        }
    }

    /// <summary>The first cell of each row of the table under "## Settings".</summary>
    private static List<string> SettingsTableRows()
    {
        var readme = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));
        var start = Array.IndexOf(readme, "## Settings");
        Assert.IsGreaterThanOrEqualTo(0, start, "the README has no \"## Settings\" section");
        return [.. readme.Skip(start + 1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split('|')[1])];
    }
}
