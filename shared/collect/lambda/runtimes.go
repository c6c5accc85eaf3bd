package lambda

import "time"

// deprecations are the dates AWS publishes for Lambda runtimes in
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (the
// "Deprecation date" column of the supported and deprecated runtime tables),
// as of November 2025. From that date a runtime gets no security patches
// and its functions no technical support; creating and updating functions is
// blocked later. The page itself could not be read in full when this was
// written: the dates come from its transcription in tflint-ruleset-aws
// (rules/aws_lambda_function_deprecated_runtime.go, which cites the page),
// cross-checked with AWS's "Managing AWS Lambda runtime upgrades" post and
// endoflife.date. Where they disagree, AWS's own figure is kept: ruby2.7
// Dec 7, 2023 (tflint: Nov 27) and dotnet6 Dec 20, 2024 (tflint has .NET's
// own end of support, Nov 12). Dates are UTC midnight; AWS counts them in
// Pacific time, hours that do not matter to an inventory. Re-check the page
// when AWS announces new dates.
var deprecations = map[string]time.Time{
	// Deprecated.
	"nodejs":         date(2016, time.October, 31),
	"nodejs4.3":      date(2020, time.March, 5),
	"nodejs4.3-edge": date(2020, time.March, 5),
	"nodejs6.10":     date(2019, time.August, 12),
	"nodejs8.10":     date(2020, time.March, 6),
	"nodejs10.x":     date(2021, time.July, 30),
	"nodejs12.x":     date(2023, time.March, 31),
	"nodejs14.x":     date(2023, time.December, 4),
	"nodejs16.x":     date(2024, time.June, 12),
	"nodejs18.x":     date(2025, time.September, 1),
	"python2.7":      date(2021, time.July, 15),
	"python3.6":      date(2022, time.July, 18),
	"python3.7":      date(2023, time.December, 4),
	"python3.8":      date(2024, time.October, 14),
	"python3.9":      date(2025, time.December, 15),
	"java8":          date(2024, time.January, 8), // Amazon Linux 1
	"dotnetcore1.0":  date(2019, time.July, 27),
	"dotnetcore2.0":  date(2019, time.May, 30),
	"dotnetcore2.1":  date(2022, time.January, 5),
	"dotnetcore3.1":  date(2023, time.April, 3),
	"dotnet5.0":      date(2022, time.May, 10),
	"dotnet6":        date(2024, time.December, 20),
	"dotnet7":        date(2024, time.May, 14),
	"ruby2.5":        date(2021, time.July, 30),
	"ruby2.7":        date(2023, time.December, 7),
	"go1.x":          date(2024, time.January, 8),
	"provided":       date(2024, time.January, 8), // Amazon Linux 1
	// Supported, with the deprecation AWS has scheduled.
	"nodejs20.x":      date(2026, time.April, 30),
	"nodejs22.x":      date(2027, time.April, 30),
	"nodejs24.x":      date(2028, time.April, 30),
	"python3.10":      date(2026, time.June, 30),
	"python3.11":      date(2026, time.June, 30),
	"python3.12":      date(2028, time.October, 31),
	"python3.13":      date(2029, time.June, 30),
	"python3.14":      date(2029, time.June, 30),
	"java8.al2":       date(2026, time.June, 30),
	"java11":          date(2026, time.June, 30),
	"java17":          date(2026, time.June, 30),
	"java21":          date(2029, time.June, 30),
	"java25":          date(2029, time.June, 30),
	"dotnet8":         date(2026, time.November, 10),
	"dotnet10":        date(2028, time.November, 14),
	"ruby3.2":         date(2026, time.March, 31),
	"ruby3.3":         date(2027, time.March, 31),
	"ruby3.4":         date(2028, time.March, 31),
	"provided.al2":    date(2026, time.June, 30),
	"provided.al2023": date(2029, time.June, 30),
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Deprecated reports whether runtime is deprecated at now, and its
// (scheduled) deprecation date; known is false for a runtime the table does
// not list, whose deprecated is then false.
func Deprecated(runtime string, now time.Time) (deprecated bool, date time.Time, known bool) {
	d, ok := deprecations[runtime]
	if !ok {
		return false, time.Time{}, false
	}
	return !now.Before(d), d, true
}
