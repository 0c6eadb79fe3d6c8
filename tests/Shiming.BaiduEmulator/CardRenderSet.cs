using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Shiming.BaiduEmulator;

/// <summary>One made-up card of a render set: its two pictures and what they say.</summary>
/// <param name="FrontFile">File name of the portrait side, relative to the set's folder.</param>
/// <param name="BackFile">File name of the emblem side.</param>
/// <param name="Front">The front's fields under Baidu's names.</param>
/// <param name="Back">The back's fields under Baidu's names.</param>
/// <param name="FrontDegradation">How the front was degraded; null for a clean render.</param>
/// <param name="BackDegradation">How the back was degraded; null for a clean render.</param>
public sealed record RenderedCard(
    string FrontFile,
    string BackFile,
    IReadOnlyDictionary<string, string> Front,
    IReadOnlyDictionary<string, string> Back,
    CardDegradation? FrontDegradation,
    CardDegradation? BackDegradation);

/// <summary>
/// A folder of card renders with a <c>truth.json</c> beside them. A seed fixes the people, so the clean and the
/// degraded set of one seed show the same cards and differ only in the degradation.
/// </summary>
public static class CardRenderSet
{
    /// <summary>The file listing every card's fields.</summary>
    public const string TruthFile = "truth.json";

    private static readonly JsonSerializerOptions TruthJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,

        // A file for people to read: Chinese stays Chinese.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="count"/> cards (front and back each: PNG when clean, as the degradation saves them otherwise) and <see cref="TruthFile"/> into <paramref name="directory"/>.</summary>
    public static IReadOnlyList<RenderedCard> Write(string directory, int count, int seed, bool degraded)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Directory.CreateDirectory(directory);

        var people = new Random(seed);

        // A second stream, so that degrading does not change who is on the cards.
        var degradations = new Random(unchecked(seed + 7919));
        var cards = new List<RenderedCard>(count);
        for (var i = 1; i <= count; i++)
        {
            var person = SyntheticIdentities.CreatePerson(people);
            var back = SyntheticIdentities.CreateBack(people, person);
            var frontDegradation = degraded ? CardDegradation.Random(degradations) : null;
            var backDegradation = degraded ? CardDegradation.Random(degradations) : null;
            var name = string.Create(CultureInfo.InvariantCulture, $"card-{i:D4}");
            var card = new RenderedCard(
                $"{name}-front{Extension(frontDegradation)}",
                $"{name}-back{Extension(backDegradation)}",
                CardGroundTruth.ForFront(person).Fields,
                CardGroundTruth.ForBack(back).Fields,
                frontDegradation,
                backDegradation);
            File.WriteAllBytes(Path.Combine(directory, card.FrontFile), CardRenders.RenderFront(person, frontDegradation));
            File.WriteAllBytes(Path.Combine(directory, card.BackFile), CardRenders.RenderBack(back, backDegradation));
            cards.Add(card);
        }

        File.WriteAllText(Path.Combine(directory, TruthFile), JsonSerializer.Serialize(new { seed, degraded, cards }, TruthJson));
        return cards;
    }

    private static string Extension(CardDegradation? degradation) => degradation?.JpegQuality is null ? ".png" : ".jpg";

    /// <summary>Reads the cards listed in a set's <see cref="TruthFile"/>.</summary>
    public static IReadOnlyList<RenderedCard> Read(string directory)
    {
        using var stream = File.OpenRead(Path.Combine(directory, TruthFile));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("cards").Deserialize<List<RenderedCard>>(TruthJson)
            ?? throw new InvalidDataException($"{TruthFile} lists no cards.");
    }
}
