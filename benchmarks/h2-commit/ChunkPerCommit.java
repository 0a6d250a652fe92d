// Issue 13 (BENCHMARKS.md "Issue 13: what a refresh costs on H2"): bytes H2 2.3 writes per committed rotation of the
// refresh_tokens table (same columns and indexes as the schema), one thread, WRITE_DELAY=0 as the server runs it.
//   java -cp ~/.m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar ChunkPerCommit.java <update|rotation|update-noidx|rotation-noidx> <commits>
// update: the server's UPDATE ... SET state = 'ROTATED' then INSERT; rotation: INSERT into a side table instead of the UPDATE;
// -noidx: without the four secondary indexes. -Ddir=<dir> keeps the file, -Dhalt=1 exits without closing (to dump it
// with org.h2.mvstore.MVStoreTool -dump).
import java.sql.*; import java.nio.file.*; import java.util.*;
public class ChunkPerCommit {
  static String hash(long i) throws Exception { return String.format("%064x", new java.math.BigInteger(1, java.security.MessageDigest.getInstance("SHA-256").digest(Long.toString(i).getBytes()))); }
  public static void main(String[] a) throws Exception {
    String variant=a[0]; int n=Integer.parseInt(a[1]); int chains=66;
    Path dir=Paths.get(System.getProperty("dir", Files.createTempDirectory("h2exp").toString())); Files.createDirectories(dir);
    String url="jdbc:h2:file:"+dir+"/db;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;QUERY_CACHE_SIZE=64"+(a.length>2?a[2]:"");
    try (Connection c=DriverManager.getConnection(url)) {
      Statement s=c.createStatement();
      s.execute("CREATE TABLE refresh_tokens (token_hash CHAR(64) NOT NULL PRIMARY KEY, tenant_id VARCHAR(64) NOT NULL, family_id VARCHAR(36) NOT NULL, client_id VARCHAR(255) NOT NULL, user_id VARCHAR(36) NOT NULL, session_id CHAR(64), scope VARCHAR(4096) NOT NULL, auth_time TIMESTAMP WITH TIME ZONE NOT NULL, amr VARCHAR(255) NOT NULL, access_token_jti VARCHAR(64) NOT NULL, access_token_expires_at TIMESTAMP WITH TIME ZONE NOT NULL, expires_at TIMESTAMP WITH TIME ZONE NOT NULL, family_expires_at TIMESTAMP WITH TIME ZONE NOT NULL, state VARCHAR(16) NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL, used_at TIMESTAMP WITH TIME ZONE, claims_request VARCHAR(4096))");
      if (!variant.contains("noidx")) {
      s.execute("CREATE INDEX refresh_tokens_family ON refresh_tokens (tenant_id, family_id)");
      s.execute("CREATE INDEX refresh_tokens_user ON refresh_tokens (tenant_id, user_id)");
      s.execute("CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)");
      s.execute("CREATE INDEX refresh_tokens_access_expires ON refresh_tokens (access_token_expires_at, token_hash)");
      }
      s.execute("CREATE TABLE rotations (token_hash CHAR(64) NOT NULL PRIMARY KEY, used_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      long[] cur=new long[chains]; long next=0;
      PreparedStatement ins=c.prepareStatement("INSERT INTO refresh_tokens VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      PreparedStatement upd=c.prepareStatement("UPDATE refresh_tokens SET state = 'ROTATED', used_at = ? WHERE token_hash = ? AND state = 'ACTIVE'");
      PreparedStatement rot=c.prepareStatement("INSERT INTO rotations (token_hash, used_at) VALUES (?, ?)");
      long t0=System.nanoTime();
      for (int i=0;i<chains;i++){ cur[i]=next++; insert(ins, cur[i], i); }
      long size0=Files.size(dir.resolve("db.mv.db"));
      long t1=System.nanoTime();
      for (int k=0;k<n;k++){ int ch=k%chains; long nw=next++;
        c.setAutoCommit(false);
        Timestamp now=new Timestamp(System.currentTimeMillis());
        if (variant.startsWith("update")) { upd.setTimestamp(1, now); upd.setString(2, hash(cur[ch])); if (upd.executeUpdate()!=1) throw new RuntimeException(); }
        else { rot.setString(1, hash(cur[ch])); rot.setTimestamp(2, now); rot.executeUpdate(); }
        insert(ins, nw, ch); c.commit(); c.setAutoCommit(true); cur[ch]=nw; }
      long t2=System.nanoTime();
      long size1=Files.size(dir.resolve("db.mv.db"));
      System.out.printf("%s n=%d bytes/commit=%d us/commit=%.1f%n", variant+(a.length>2?a[2]:""), n, (size1-size0)/n, (t2-t1)/1e3/n);
      if (System.getProperty("halt")!=null) Runtime.getRuntime().halt(0);
    }
  }
  static void insert(PreparedStatement ins, long id, int chain) throws Exception {
    Timestamp now=new Timestamp(System.currentTimeMillis());
    ins.setString(1, hash(id)); ins.setString(2,"default"); ins.setString(3, new UUID(chain, 7).toString()); ins.setString(4,"bench");
    ins.setString(5, new UUID(1,1).toString()); ins.setString(6, null); ins.setString(7,"openid profile email"); ins.setTimestamp(8, now);
    ins.setString(9,"pwd"); ins.setString(10, UUID.randomUUID().toString()); ins.setTimestamp(11, new Timestamp(now.getTime()+3600000));
    ins.setTimestamp(12, new Timestamp(now.getTime()+86400000)); ins.setTimestamp(13,new Timestamp(now.getTime()+86400000*30L)); ins.setString(14,"ACTIVE");
    ins.setTimestamp(15, now); ins.setTimestamp(16, null); ins.setString(17, null); ins.executeUpdate();
  }
}
