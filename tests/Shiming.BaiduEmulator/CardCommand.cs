namespace Shiming.BaiduEmulator;

/// <summary>
/// <c>generate-card --side front|back --out FILE [--seed N] [--authority matched|mismatched|lost|unavailable]</c>: writes a
/// synthetic card PNG and prints only its path. A front carries, besides its fields, what the emulator's identity checks
/// are to answer for its holder and the validity dates of the back made with the same seed (<see cref="CardAuthority"/>);
/// the emulator registers the holder when its ID-card API reads the card.
/// </summary>
internal static class CardCommand
{
    public const string Name = "generate-card";

    private const string Usage = "usage: generate-card --side front|back --out FILE [--seed N] [--authority matched|mismatched|lost|unavailable]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? side = null;
        string? path = null;
        int? seed = null;
        var authority = AuthorityOutcome.Matched;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--side" when value is not null:
                    side = value;
                    i++;
                    break;
                case "--out" when value is not null:
                    path = value;
                    i++;
                    break;
                case "--seed" when int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var parsed):
                    seed = parsed;
                    i++;
                    break;
                case "--authority" when CardAuthority.TryParse(value, out var outcome):
                    authority = outcome;
                    i++;
                    break;
                default:
                    error.WriteLine($"generate-card: unexpected argument '{args[i]}'.");
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        if (side is not (IdCardFields.Front or IdCardFields.Back) || string.IsNullOrEmpty(path))
        {
            error.WriteLine(Usage);
            return 2;
        }

        var random = seed is { } s ? new Random(s) : new Random();
        var person = SyntheticIdentities.CreatePerson(random);
        var back = SyntheticIdentities.CreateBack(random, person);
        var image = side == IdCardFields.Front
            ? SyntheticCardImages.RenderFront(person, authority, back)
            : SyntheticCardImages.RenderBack(back);

        var fullPath = Path.GetFullPath(path);
        if (Path.GetDirectoryName(fullPath) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(fullPath, image);

        // The path only: the card's contents are made up, but this output ends up in logs all the same.
        output.WriteLine(fullPath);
        return 0;
    }
}
