namespace Shiming.TextRecognitions;

/// <summary>
/// How a text recognition is to be called: <c>accurate</c> (Baidu's high-accuracy edition, the default) or
/// <c>standard</c>, each with the lines' positions when <c>locations</c> is asked for, which means calling Baidu's
/// edition "with position" (<c>accurate</c>, <c>general</c>) rather than the <c>_basic</c> one.
/// </summary>
public sealed record TextRequest(bool Accurate, bool Locations)
{
    /// <summary>The Baidu API the request is sent to.</summary>
    public string Api => (Accurate, Locations) switch
    {
        (true, false) => "accurate_basic",
        (true, true) => "accurate",
        (false, false) => "general_basic",
        (false, true) => "general",
    };

    public string Accuracy => Accurate ? "accurate" : "standard";

    /// <summary>As stored in the job's record (<c>accurate</c>, <c>standard-locations</c>, …).</summary>
    public string Variant => Locations ? $"{Accuracy}-locations" : Accuracy;

    /// <summary>Reads <c>?accuracy=</c> (<c>accurate</c> when absent) and <c>?locations=</c> (<c>false</c> when absent).</summary>
    public static bool TryParse(string? accuracy, string? locations, out TextRequest request, out string? problem)
    {
        request = new TextRequest(Accurate: true, Locations: false);
        problem = null;
        bool accurate;
        switch (accuracy?.Trim().ToLowerInvariant())
        {
            case null or "" or "accurate":
                accurate = true;
                break;
            case "standard":
                accurate = false;
                break;
            default:
                problem = "unknown_accuracy";
                return false;
        }

        bool withLocations;
        switch (locations?.Trim().ToLowerInvariant())
        {
            case null or "" or "false":
                withLocations = false;
                break;
            case "true":
                withLocations = true;
                break;
            default:
                problem = "invalid_locations";
                return false;
        }

        request = new TextRequest(accurate, withLocations);
        return true;
    }

    /// <summary>The request a stored variant names; the default for one that names none.</summary>
    public static TextRequest FromVariant(string? variant) => new(
        Accurate: variant is null || variant.StartsWith("accurate", StringComparison.Ordinal),
        Locations: variant?.EndsWith("-locations", StringComparison.Ordinal) == true);
}
