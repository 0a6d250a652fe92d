// Issue 13 (BENCHMARKS.md "Issue 13: what a refresh costs on H2"): rotations on N threads for S seconds, committed
// either as the server does (WRITE_DELAY=0: each commit stores under H2's store lock) or by a leader/follower group
// commit over MVStore.commit() (WRITE_DELAY=60000, every thread waits until a store begun after its commit ended);
// prints commits/s and MVStore versions (chunks) per commit.
//   H2=~/.m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar; javac -cp $H2 -d /tmp/gc GroupCommit.java
//   java -cp $H2:/tmp/gc GroupCommit <plain|group> 8 12
import java.sql.*; import java.nio.file.*; import java.util.*; import java.util.concurrent.*; import java.util.concurrent.atomic.*;
public class GroupCommit {
  static final Object lock=new Object(); static long committed, durable; static boolean storing; static org.h2.mvstore.MVStore mv;
  static final AtomicLong stores=new AtomicLong();
  static void awaitDurable() { synchronized(lock){ long mine=++committed; while(durable<mine){ if(!storing){ storing=true; long upTo=committed; try{ mv.commit(); stores.incrementAndGet(); durable=Math.max(durable,upTo);} finally{ storing=false; lock.notifyAll(); } } else { try{lock.wait();}catch(InterruptedException e){throw new RuntimeException(e);} } } } }
  public static void main(String[] a) throws Exception {
    boolean group=a[0].equals("group"); int threads=Integer.parseInt(a[1]); int secs=Integer.parseInt(a[2]);
    Path dir=Files.createTempDirectory("gc");
    String url="jdbc:h2:file:"+dir+"/db;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;QUERY_CACHE_SIZE=64;WRITE_DELAY="+(group?"60000":"0");
    Connection c0=DriverManager.getConnection(url);
    Statement s=c0.createStatement();
    s.execute("CREATE TABLE refresh_tokens (token_hash CHAR(64) NOT NULL PRIMARY KEY, tenant_id VARCHAR(64) NOT NULL, family_id VARCHAR(36) NOT NULL, client_id VARCHAR(255) NOT NULL, user_id VARCHAR(36) NOT NULL, session_id CHAR(64), scope VARCHAR(4096) NOT NULL, auth_time TIMESTAMP WITH TIME ZONE NOT NULL, amr VARCHAR(255) NOT NULL, access_token_jti VARCHAR(64) NOT NULL, access_token_expires_at TIMESTAMP WITH TIME ZONE NOT NULL, expires_at TIMESTAMP WITH TIME ZONE NOT NULL, family_expires_at TIMESTAMP WITH TIME ZONE NOT NULL, state VARCHAR(16) NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL, used_at TIMESTAMP WITH TIME ZONE, claims_request VARCHAR(4096))");
    s.execute("CREATE INDEX refresh_tokens_family ON refresh_tokens (tenant_id, family_id)");
    s.execute("CREATE INDEX refresh_tokens_user ON refresh_tokens (tenant_id, user_id)");
    s.execute("CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)");
    s.execute("CREATE INDEX refresh_tokens_access_expires ON refresh_tokens (access_token_expires_at, token_hash)");
    mv=((org.h2.engine.SessionLocal)c0.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
    AtomicLong done=new AtomicLong(); AtomicLong seq=new AtomicLong(); long end=System.nanoTime()+secs*1_000_000_000L;
    long v0=mv.getCurrentVersion();
    List<Thread> ts=new ArrayList<>();
    for(int t=0;t<threads;t++){ final int tt=t; Thread th=new Thread(()->{ try(Connection c=DriverManager.getConnection(url)){
       PreparedStatement ins=c.prepareStatement("INSERT INTO refresh_tokens VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
       PreparedStatement upd=c.prepareStatement("UPDATE refresh_tokens SET state = 'ROTATED', used_at = ? WHERE token_hash = ? AND state = 'ACTIVE'");
       String cur=pad(UUID.randomUUID().toString()+"-"+tt); insert(ins,cur,tt); if(group) awaitDurable();
       while(System.nanoTime()<end){ c.setAutoCommit(false); upd.setTimestamp(1,new Timestamp(System.currentTimeMillis())); upd.setString(2,cur); if(upd.executeUpdate()!=1) throw new RuntimeException();
         String nw=pad(UUID.randomUUID().toString()+"-"+tt); insert(ins,nw,tt); c.commit(); c.setAutoCommit(true); if(group) awaitDurable(); cur=nw; done.incrementAndGet(); }
      } catch(Exception e){ throw new RuntimeException(e);} }); ts.add(th); th.start(); }
    for(Thread th:ts) th.join();
    long v1=mv.getCurrentVersion();
    System.out.printf("%s threads=%d commits/s=%.0f versions/commit=%.2f%n", a[0], threads, done.get()/(double)secs, (v1-v0)/(double)done.get());
    Runtime.getRuntime().halt(0);
  }
  static String pad(String s){ return (s+"0000000000000000000000000000000000000000000000000000000000000000").substring(0,64); }
  static void insert(PreparedStatement ins, String id, int chain) throws Exception {
    Timestamp now=new Timestamp(System.currentTimeMillis());
    ins.setString(1, id); ins.setString(2,"default"); ins.setString(3, new UUID(chain, 7).toString()); ins.setString(4,"bench");
    ins.setString(5, new UUID(1,1).toString()); ins.setString(6, null); ins.setString(7,"openid profile email"); ins.setTimestamp(8, now);
    ins.setString(9,"pwd"); ins.setString(10, UUID.randomUUID().toString()); ins.setTimestamp(11, new Timestamp(now.getTime()+3600000));
    ins.setTimestamp(12, new Timestamp(now.getTime()+86400000)); ins.setTimestamp(13,new Timestamp(now.getTime()+86400000*30L)); ins.setString(14,"ACTIVE");
    ins.setTimestamp(15, now); ins.setTimestamp(16, null); ins.setString(17, null); ins.executeUpdate();
  }
}
