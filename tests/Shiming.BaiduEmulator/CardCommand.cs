namespace Shiming.BaiduEmulator;

/// <summary><c>generate-card --side front|back --out FILE [--seed N]</c>: writes a synthetic card PNG and prints only its path.</summary>
internal static class CardCommand
{
    public const string Name = "generate-card";

    private const string Usage = "usage: generate-card --side front|back --out FILE [--seed N]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? side = null;
        string? path = null;
        int? seed = null;
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
        var image = side == IdCardFields.Front
            ? SyntheticCardImages.RenderFront(person)
            : SyntheticCardImages.RenderBack(SyntheticIdentities.CreateBack(random, person));

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
