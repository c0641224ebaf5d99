import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

// The Cargo workspace is the repository root, one level above this Gradle build.
val cargoRoot: File = rootDir.parentFile
// cargo-ndk writes <abi>/libdoorstep_ffi.so here; generated, never committed.
val rustJniLibs = layout.buildDirectory.dir("rustJniLibs")
val prebuiltRust = providers.gradleProperty("doorstep.prebuiltRust").map(String::toBoolean).orElse(false)

android {
    namespace = "app.doorstep.android"
    compileSdk = 35

    defaultConfig {
        applicationId = "app.doorstep.android"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildFeatures {
        compose = true
        buildConfig = true
    }

    sourceSets {
        getByName("main") {
            jniLibs.srcDir(rustJniLibs)
            // The screens: android/doorstep-ui's composables (the same androidx.compose API),
            // compiled into the app; its desktop entry point stays out.
            kotlin.srcDir("../doorstep-ui/src/main/kotlin")
            kotlin.exclude("app/doorstep/ui/desktop/**")
        }
    }

    packaging {
        // Native libraries stay uncompressed and page-aligned in the APK (the default since
        // AGP 8; stated so nobody turns legacy packaging on).
        jniLibs.useLegacyPackaging = false
        // The desktop JNA jar's natives and any host build of the core must not reach the APK:
        // JNA comes from its Android AAR and the core from cargo-ndk.
        resources.excludes += listOf(
            "com/sun/jna/**/*.so", "com/sun/jna/**/*.dll", "com/sun/jna/**/*.jnilib",
            "**/libdoorstep_ffi.so", "**/libdoorstep_ffi.dylib",
            "META-INF/{AL2.0,LGPL2.1}",
        )
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

/**
 * Builds the Rust core for each ABI with cargo-ndk (the `mobile` Cargo profile: size-optimised,
 * panic = "unwind" so a Rust panic reaches Kotlin as an exception, not a crash). Needs
 * ANDROID_NDK_HOME (or an NDK under ANDROID_HOME/ndk) and `cargo install cargo-ndk`.
 * Skip with -Pdoorstep.prebuiltRust=true when the libraries are already in build/rustJniLibs.
 */
val cargoNdk = tasks.register<Exec>("cargoNdk") {
    group = "build"
    description = "Builds libdoorstep_ffi.so for every ABI with cargo-ndk."
    val out = rustJniLibs.get().asFile
    workingDir = cargoRoot
    inputs.dir(cargoRoot.resolve("core/src"))
    inputs.dir(cargoRoot.resolve("bindings/src"))
    inputs.file(cargoRoot.resolve("Cargo.lock"))
    inputs.file(cargoRoot.resolve("Cargo.toml"))
    outputs.dir(out)
    // 16 KB ELF alignment: required for apps targeting Android 15+ on Google Play.
    environment("RUSTFLAGS", "-C link-arg=-Wl,-z,max-page-size=16384")
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "--platform", "26",
        "-o", out.absolutePath,
        "build", "--locked", "--profile", "mobile", "-p", "doorstep-ffi",
    )
    onlyIf { !prebuiltRust.get() }
}
tasks.named("preBuild") { dependsOn(cargoNdk) }

dependencies {
    // The Kotlin layer and the generated bindings. Its JNA is the desktop jar; Android needs
    // JNA's AAR (it carries libjnidispatch.so per ABI), so the jar is swapped for it.
    implementation(libs.doorstep.kotlin) {
        exclude(group = "net.java.dev.jna", module = "jna")
    }
    implementation(libs.jna) { artifact { type = "aar" } }

    implementation(libs.kotlinx.coroutines.android)
    implementation(libs.okhttp)

    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.fragment.ktx)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.process)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(libs.androidx.work.runtime.ktx)
    implementation(libs.androidx.biometric)

    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.material.icons.core)
    implementation(libs.androidx.compose.ui.tooling.preview)
    debugImplementation(libs.androidx.compose.ui.tooling)
}
