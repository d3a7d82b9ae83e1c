"""Service to the people (我为群众办实事): task lists, deadlines on the working calendar, satisfaction before
closure, 在职党员到社区报到, league tables."""
