using System.Text;
using System.Text.RegularExpressions;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>A top-level declaration of a Bicep file: its keyword, name, the text after the name, and its decorators.</summary>
internal sealed record BicepDeclaration(string Keyword, string Name, string Text, IReadOnlyList<string> Decorators)
{
    /// <summary>For a resource or module: the quoted type or path that follows the name.</summary>
    public string Target => Regex.Match(Text, "^\\s*'([^']*)'").Groups[1].Value;

    /// <summary>For a param: the declared type.</summary>
    public string ParamType => Regex.Match(Text, @"^\s*(\w+)").Groups[1].Value;

    /// <summary>For a param: whether it has a default value.</summary>
    public bool HasDefault => BicepText.TopLevelIndexOf(Text, '=') >= 0;

    /// <summary>For a param: the default value's expression, or null.</summary>
    public string? Default => HasDefault ? Text[(BicepText.TopLevelIndexOf(Text, '=') + 1)..].Trim() : null;

    /// <summary>For a resource or module: its body, the first object literal after the <c>=</c>.</summary>
    public string Body => BicepText.FirstObject(Text[Text.IndexOf('=', StringComparison.Ordinal)..]);

    public bool IsExisting => Regex.IsMatch(Text, @"^\s*'[^']*'\s+existing\s*=");

    public bool HasDecorator(string name) => Decorators.Any(d => d.StartsWith($"@{name}(", StringComparison.Ordinal));
}

/// <summary>
/// Reads the Bicep files in <c>infra/</c> well enough to compare them with the code: top-level
/// declarations, object literals and their keys. It is not a compiler; it checks what a compiler would
/// refuse first (unbalanced brackets, unclosed strings) and leaves types and functions to one.
/// </summary>
internal sealed class BicepFile
{
    private BicepFile(string relativePath, string source)
    {
        RelativePath = relativePath;
        Source = source;
        Code = BicepText.BlankComments(source);
        Declarations = BicepText.Declarations(Code);
    }

    public string RelativePath { get; }

    /// <summary>The file as written.</summary>
    public string Source { get; }

    /// <summary>The file with comments blanked out, so that a name in a comment never counts as code.</summary>
    public string Code { get; }

    public IReadOnlyList<BicepDeclaration> Declarations { get; }

    public IEnumerable<BicepDeclaration> Params => Declarations.Where(d => d.Keyword == "param");

    public IEnumerable<BicepDeclaration> Resources => Declarations.Where(d => d.Keyword == "resource");

    public IEnumerable<BicepDeclaration> Modules => Declarations.Where(d => d.Keyword == "module");

    public IEnumerable<BicepDeclaration> Outputs => Declarations.Where(d => d.Keyword == "output");

    public BicepDeclaration Param(string name) => Params.Single(p => p.Name == name);

    /// <summary>Resources of a type (without API version), e.g. <c>Microsoft.Web/sites</c>.</summary>
    public IEnumerable<BicepDeclaration> ResourcesOfType(string type) =>
        Resources.Where(r => r.Target.Split('@')[0].Equals(type, StringComparison.OrdinalIgnoreCase));

    public static BicepFile Load(string pathUnderRepository) =>
        new(pathUnderRepository, File.ReadAllText(Path.Combine(Repository.Root, pathUnderRepository)));

    public static IEnumerable<BicepFile> All() =>
        Directory.GetFiles(Path.Combine(Repository.Root, "infra"), "*.bicep", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => Load(Path.GetRelativePath(Repository.Root, p)));
}

internal static class BicepText
{
    private static readonly Regex DeclarationStart = new(@"\G(param|var|resource|module|output|targetScope|type|func|import|metadata)\b\s*(\w*)", RegexOptions.Compiled);

    /// <summary>
    /// Replaces comments with spaces (positions kept). Throws on an unclosed string or comment, or on
    /// brackets that do not match: the first things a Bicep compiler would reject.
    /// </summary>
    public static string BlankComments(string source)
    {
        var text = new StringBuilder(source);
        var brackets = new Stack<(char Open, int At)>();
        var i = 0;
        Scan(ref i, inInterpolation: false);
        if (brackets.Count > 0)
        {
            throw new FormatException($"'{brackets.Peek().Open}' at {Where(source, brackets.Peek().At)} is never closed.");
        }

        return text.ToString();

        void Scan(ref int i, bool inInterpolation)
        {
            var depthAtStart = brackets.Count;
            while (i < source.Length)
            {
                var c = source[i];
                if (c == '/' && At(i + 1) == '/')
                {
                    while (i < source.Length && source[i] != '\n')
                    {
                        text[i++] = ' ';
                    }
                }
                else if (c == '/' && At(i + 1) == '*')
                {
                    var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new FormatException($"Comment at {Where(source, i)} is never closed.");
                    }

                    for (; i < end + 2; i++)
                    {
                        text[i] = source[i] == '\n' ? '\n' : ' ';
                    }
                }
                else if (c == '\'' && source.AsSpan(i).StartsWith("'''"))
                {
                    var end = source.IndexOf("'''", i + 3, StringComparison.Ordinal);
                    i = end >= 0 ? end + 3 : throw new FormatException($"Multi-line string at {Where(source, i)} is never closed.");
                }
                else if (c == '\'')
                {
                    var start = i++;
                    while (true)
                    {
                        if (i >= source.Length || source[i] == '\n')
                        {
                            throw new FormatException($"String at {Where(source, start)} is never closed.");
                        }

                        if (source[i] == '\\')
                        {
                            i += 2;
                        }
                        else if (source[i] == '$' && At(i + 1) == '{')
                        {
                            i += 2;
                            Scan(ref i, inInterpolation: true);
                        }
                        else if (source[i++] == '\'')
                        {
                            break;
                        }
                    }
                }
                else if (c is '{' or '[' or '(')
                {
                    brackets.Push((c, i++));
                }
                else if (c is '}' or ']' or ')')
                {
                    if (inInterpolation && c == '}' && brackets.Count == depthAtStart)
                    {
                        i++;
                        return;
                    }

                    var expected = c switch { '}' => '{', ']' => '[', _ => '(' };
                    if (brackets.Count == depthAtStart || brackets.Peek().Open != expected)
                    {
                        throw new FormatException($"'{c}' at {Where(source, i)} closes nothing that is open.");
                    }

                    brackets.Pop();
                    i++;
                }
                else
                {
                    i++;
                }
            }

            if (inInterpolation)
            {
                throw new FormatException("An interpolation '${' is never closed.");
            }
        }

        char At(int index) => index < source.Length ? source[index] : '\0';
    }

    /// <summary>Top-level declarations with the decorators written above each.</summary>
    public static IReadOnlyList<BicepDeclaration> Declarations(string code)
    {
        var result = new List<BicepDeclaration>();
        var decorators = new List<string>();
        var i = 0;
        while (i < code.Length)
        {
            if (char.IsWhiteSpace(code[i]))
            {
                i++;
                continue;
            }

            var end = EndOfStatement(code, i);
            var statement = code[i..end];
            if (statement.StartsWith('@'))
            {
                decorators.Add(statement.Trim());
            }
            else
            {
                var match = DeclarationStart.Match(code, i);
                if (!match.Success)
                {
                    throw new FormatException($"Unexpected top-level text at {Where(code, i)}: {statement.Split('\n')[0]}");
                }

                result.Add(new BicepDeclaration(match.Groups[1].Value, match.Groups[2].Value, code[(match.Index + match.Length)..end], decorators));
                decorators = [];
            }

            i = end;
        }

        return result;
    }

    /// <summary>The first object literal (braces included) in an expression.</summary>
    public static string FirstObject(string expression)
    {
        var start = TopLevelIndexOf(expression, '{', allowNested: true);
        return start < 0 ? "" : expression[start..MatchingClose(expression, start)];
    }

    /// <summary>
    /// The object literals of an expression that are not inside another object literal: for
    /// <c>union({a: 1}, c ? {} : {b: 2})</c>, the three objects.
    /// </summary>
    public static IEnumerable<string> OutermostObjects(string expression)
    {
        var i = 0;
        while (i < expression.Length)
        {
            var start = NextCodeIndexOf(expression, '{', i);
            if (start < 0)
            {
                yield break;
            }

            var end = MatchingClose(expression, start);
            yield return expression[start..end];
            i = end;
        }
    }

    /// <summary>The entries of an object literal: key (unquoted) and value expression, top level only.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Entries(string objectLiteral)
    {
        var inner = objectLiteral.Trim();
        if (!inner.StartsWith('{') || !inner.EndsWith('}'))
        {
            throw new FormatException($"Not an object literal: {inner}");
        }

        inner = inner[1..^1];
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var item in SplitTopLevel(inner))
        {
            var trimmed = item.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var match = Regex.Match(trimmed, @"^(?:'([^']*)'|(\w+))\s*:\s*", RegexOptions.Singleline);
            if (!match.Success)
            {
                throw new FormatException($"Not an object entry: {trimmed}");
            }

            var key = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            entries.Add(new(key, trimmed[match.Length..].Trim()));
        }

        return entries;
    }

    /// <summary>The value expression of a top-level key in an object literal, or null.</summary>
    public static string? Value(string objectLiteral, string key) =>
        Entries(objectLiteral).Where(e => e.Key == key).Select(e => e.Value).SingleOrDefault();

    /// <summary>Follows a path of keys through nested object literals, e.g. <c>properties.functionAppConfig.runtime</c>.</summary>
    public static string? Path(string objectLiteral, string dottedPath)
    {
        string? current = objectLiteral;
        foreach (var key in dottedPath.Split('.'))
        {
            if (current is null || !current.TrimStart().StartsWith('{'))
            {
                return null;
            }

            current = Value(current, key);
        }

        return current;
    }

    /// <summary>Index of <paramref name="c"/> outside strings and (unless allowed) outside brackets, or -1.</summary>
    public static int TopLevelIndexOf(string text, char c, bool allowNested = false)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '\'')
            {
                i = EndOfString(text, i) - 1;
            }
            else if (ch == c && (depth == 0 || allowNested))
            {
                return i;
            }
            else if (ch is '{' or '[' or '(')
            {
                depth++;
            }
            else if (ch is '}' or ']' or ')')
            {
                depth--;
            }
        }

        return -1;
    }

    private static int NextCodeIndexOf(string text, char c, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                i = EndOfString(text, i) - 1;
            }
            else if (text[i] == c)
            {
                return i;
            }
        }

        return -1;
    }

    private static IEnumerable<string> SplitTopLevel(string inner)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            var ch = inner[i];
            if (ch == '\'')
            {
                i = EndOfString(inner, i) - 1;
            }
            else if (ch is '{' or '[' or '(')
            {
                depth++;
            }
            else if (ch is '}' or ']' or ')')
            {
                depth--;
            }
            else if (depth == 0 && ch is '\n' or ',')
            {
                yield return inner[start..i];
                start = i + 1;
            }
        }

        yield return inner[start..];
    }

    /// <summary>The index after the bracket that closes the one at <paramref name="open"/>.</summary>
    private static int MatchingClose(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '\'')
            {
                i = EndOfString(text, i) - 1;
            }
            else if (ch is '{' or '[' or '(')
            {
                depth++;
            }
            else if (ch is '}' or ']' or ')' && --depth == 0)
            {
                return i + 1;
            }
        }

        throw new FormatException($"'{text[open]}' is never closed.");
    }

    /// <summary>The index after a string starting at <paramref name="start"/>, interpolations included.</summary>
    private static int EndOfString(string text, int start)
    {
        if (text.AsSpan(start).StartsWith("'''"))
        {
            return text.IndexOf("'''", start + 3, StringComparison.Ordinal) + 3;
        }

        var i = start + 1;
        while (i < text.Length)
        {
            if (text[i] == '\\')
            {
                i += 2;
            }
            else if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                i = MatchingClose(text, i + 1);
            }
            else if (text[i++] == '\'')
            {
                return i;
            }
        }

        return i;
    }

    /// <summary>A statement ends at a newline outside brackets and strings.</summary>
    private static int EndOfStatement(string code, int start)
    {
        var depth = 0;
        for (var i = start; i < code.Length; i++)
        {
            var ch = code[i];
            if (ch == '\'')
            {
                i = EndOfString(code, i) - 1;
            }
            else if (ch is '{' or '[' or '(')
            {
                depth++;
            }
            else if (ch is '}' or ']' or ')')
            {
                depth--;
            }
            else if (ch == '\n' && depth == 0)
            {
                return i;
            }
        }

        return code.Length;
    }

    private static string Where(string text, int index)
    {
        var line = 1 + text.AsSpan(0, Math.Min(index, text.Length)).Count('\n');
        return $"line {line}";
    }
}
