"""The app's pages, one router per subject: accounts, scenarios, runs, and the plan's views."""
