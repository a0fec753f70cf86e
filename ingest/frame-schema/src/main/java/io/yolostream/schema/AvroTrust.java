package io.yolostream.schema;

import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Lets Avro instantiate our generated classes. Avro 1.12 refuses to load classes outside a trusted set while
 * decoding ("Forbidden io.yolostream.ingest.avro.Frame! This class is not trusted ..."). The system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} is read only once, when Avro's validator class initialises, so setting
 * it from code works only if nothing touched Avro before (measured: too late once any decode was tried). Adding a
 * predicate to the global {@link ClassSecurityValidator} works at any time and keeps whatever the user configured:
 * a class is trusted if the existing validator OR our package predicate trusts it.
 */
public final class AvroTrust {
    private AvroTrust() {
    }

    /** Trusts every class in the package of {@code anyGeneratedClass} (idempotent, thread-safe). */
    public static synchronized void trustPackageOf(Class<?> anyGeneratedClass) {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current.isTrusted(anyGeneratedClass)) {
            return;
        }
        String pkg = anyGeneratedClass.getPackageName();
        ClassSecurityPredicate ours = c -> pkg.equals(c.getPackageName());
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, ours));
    }
}
