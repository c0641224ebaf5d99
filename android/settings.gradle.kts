// Doorstep for Android: the app module only. The Kotlin layer over the Rust core
// (doorstep-kotlin/) is a Maven project built and tested on the JVM; the app consumes the jar it
// installs into ~/.m2 (see README.md, "Why Maven local and not includeBuild").

pluginManagement {
    repositories {
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // Only the Doorstep artifact comes from the local Maven repository, so nothing else can
        // be shadowed by whatever else happens to be in ~/.m2.
        mavenLocal {
            content { includeGroup("app.doorstep") }
        }
    }
}

rootProject.name = "doorstep-android"
include(":app")
