using System.Text.Json.Serialization;

namespace Shiming.TextRecognitions;

/// <summary>A text recognition's <c>output</c>: the lines read, in reading order.</summary>
public sealed record TextRecognitionOutput(string Accuracy, bool Locations, IReadOnlyList<TextLine> Lines);

/// <summary>One line of text; its box only when locations were asked for.</summary>
public sealed record TextLine(
    string Words,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TextLocation? Location);

/// <summary>A line's box in the image, in pixels from its top-left corner.</summary>
public sealed record TextLocation(int Left, int Top, int Width, int Height);
